// Runs one case end to end: resolve the engine (starting the embedded simulator if asked),
// check it is reachable, run every concurrency level, summarise and record as it goes.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "gate/case_data.hpp"
#include "report/console.hpp"
#include "report/results_file.hpp"
#include "scenario/expand.hpp"
#include "scenario/toml_reader.hpp"
#include "sim/sim_server.hpp"

namespace llmbench::app {

/// Embedded simulators, one per engine name, started on first use on an ephemeral loopback
/// port and serving from their own thread (the other core) until destroyed.
class EmbeddedSims {
 public:
  /// Base URL of the simulator for `engine` ("http://127.0.0.1:PORT").
  std::string UrlFor(const scenario::Engine& engine);

 private:
  std::map<std::string, std::unique_ptr<sim::SimServer>> servers_;
};

/// What a case produced: the console row, and the data the gate judges.
struct CaseRun {
  report::CaseRow row;
  gate::CaseData data;  ///< levels with summaries and samples (empty when nothing ran)
};

/// Runs `c`, writing to `results`. Throws InputError for configuration problems found only now
/// (an API key variable that is not set).
CaseRun RunCase(const scenario::Case& c, const scenario::EnvLookup& env, EmbeddedSims& sims,
                report::ResultsFile& results, const std::string& run_id);

}  // namespace llmbench::app
