// One case end to end: resolve the engine (starting the embedded simulator if asked), check it
// is reachable, plan and execute an attempt, judge it against its baseline, and re-measure once
// when the verdict would be a regression or "inconclusive" (the scenario's [gate] confirm).
// app/ only parses options and calls this; each step is a file of this module.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "gate/case_data.hpp"
#include "gate/verdict.hpp"
#include "load/rate_pacer.hpp"
#include "pipeline/client_split.hpp"
#include "report/console.hpp"
#include "report/results_file.hpp"
#include "scenario/expand.hpp"
#include "scenario/toml_reader.hpp"
#include "sim/sim_server.hpp"

namespace llmbench::pipeline {

/// Embedded simulators, one per engine name, started on first use on an ephemeral loopback
/// port and serving from their own thread (the other core) until destroyed.
class EmbeddedSims {
 public:
  /// Base URL of the simulator for `engine` ("http://127.0.0.1:PORT").
  std::string UrlFor(const scenario::Engine& engine);

 private:
  std::map<std::string, std::unique_ptr<sim::SimServer>> servers_;
};

/// The rate caps of the invocation's engines: one pacer per engine, shared by its cases.
class RatePacers {
 public:
  /// The engine's pacer; null when it has no requests_per_minute / tokens_per_minute.
  std::shared_ptr<load::RatePacer> For(const scenario::Engine& engine);

 private:
  std::map<std::string, std::shared_ptr<load::RatePacer>> pacers_;
};

/// Everything a case needs from the invocation.
struct CaseContext {
  const scenario::EnvLookup& env;
  EmbeddedSims& sims;
  report::ResultsFile& results;
  std::string session;  ///< this invocation's run id
  std::uint64_t session_nonce = 0;
  const std::vector<scenario::ThresholdSpec>& thresholds;
  std::string baselines_dir;  ///< "" = no baseline comparison
  gate::GateOptions options;
  /// Engines whose [launch] failed in this invocation: why (their cases fail, or are skipped
  /// when the engine is not required, with that reason).
  std::map<std::string, std::string> launch_failures = {};
  RatePacers* pacers = nullptr;  ///< null: no caps
  /// Several client hosts (`run --client`): this host's part; one attempt, no confirmation.
  ClientSplit* split = nullptr;
};

struct CaseRun {
  report::CaseRow row;  ///< the console row (pooled levels of the final attempt)
  gate::CaseData data;  ///< every run of every attempt (what a blessing pools)
  gate::CaseVerdict verdict;
};

/// Throws InputError for configuration problems found only now (an API key variable that is
/// not set), std::runtime_error for an unreadable baseline.
CaseRun RunCase(const scenario::Case& c, const CaseContext& ctx);

}  // namespace llmbench::pipeline
