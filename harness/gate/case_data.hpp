// What a gate compares for one case. The unit of the gate's statistics is a *run*: one
// repetition of one concurrency level. A case measures every level several times (interleaved),
// a baseline pools the runs of several blessing sessions, and each run is reduced to a few
// numbers (RunData::values) whose spread between runs is the run-to-run noise the gate uses.
// Built from a live run or read back from results.json / a baseline file.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "gate/thresholds.hpp"
#include "load/record.hpp"
#include "metrics/summary.hpp"
#include "protocol/identity.hpp"
#include "scenario/expand.hpp"

namespace llmbench::gate {

/// Baseline and run must match on every field to be compared.
struct Fingerprint {
  std::string settings;  ///< hash of what was measured: class, load, engine protocol/model/options
  std::string engine;    ///< "name protocol model" (not the server's internals: a new server
                         ///< version or slower simulator is exactly what the gate must catch)
  std::string hardware;  ///< CPU model × logical CPUs of the machine that ran the harness
  std::string harness;   ///< major.minor of llmbench
  /// The model the engine said it serves (protocol::EngineIdentity::model), "" when it did not
  /// say: the same URL and model name with other weights behind them is another case.
  std::string served_model;
  bool operator==(const Fingerprint&) const = default;
};

/// What the harness's own host did while a run was measured (pipeline/host_probe.hpp).
struct HostLoad {
  double cpu_wait = NAN;           ///< time the harness's threads were runnable but waited for a CPU / wall time
  double wait_per_slice_us = NAN;  ///< mean wait for a CPU before each timeslice, µs
  double steal = NAN;              ///< share of all CPU time the hypervisor stole
  double others_cores = NAN;       ///< CPU used by other processes, in cores (an engine on this host excluded)
  double engine_cores = NAN;       ///< CPU the engine's process on this host used, in cores; NaN = not here
  double engine_rss_mib = NAN;     ///< its resident memory at the run's end, MiB
  double gpu_utilization = NAN;    ///< this host's GPUs during the run (nvidia-smi), mean %; NaN = none seen
  double gpu_memory_mib = NAN;     ///< their memory in use, all GPUs together, the run's peak, MiB
  double loadavg1 = NAN;           ///< 1-minute load average at the end
  bool busy = false;               ///< above the scenario's [gate] limits (see pipeline/host_probe.hpp)
  std::string why;                 ///< "harness waited for a CPU 12.0% of the time (limit 5.0%)"
};

/// One run: one repetition of one level.
struct RunData {
  scenario::Level load_level;
  int attempt = 1;            ///< 2 = the confirming re-measurement
  int repetition = 1;         ///< 1-based, within the attempt
  std::string session;        ///< run id of the llmbench invocation (a baseline pools several)
  std::int64_t requests = 0;  ///< measured requests
  std::int64_t errors = 0;
  /// The run's statistic per gated key (GatedMetric::Key(): "ttft.p50", "output_throughput"),
  /// in the catalogue unit; a key is absent when the run had too few samples for it.
  std::map<std::string, double> values;
  std::map<std::string, std::int64_t> samples;  ///< per-request samples behind each quantile key
  HostLoad host;
  std::string invalid;   ///< open loop: why the run did not keep its schedule (metrics::JudgeOpenLoop); "" = valid
  std::string rejected;  ///< baseline only: why this run is left out (outlier, busy runner); "" = kept
};

/// What an attempt's measurement reported besides its runs (for `compare` to judge it again).
struct AttemptInfo {
  std::string status = "passed";  ///< "failed" when a level had no successful request
  std::string message;
  std::vector<ThresholdResult> thresholds;
};

struct CaseData {
  std::string case_id;
  Fingerprint fingerprint;
  std::vector<RunData> runs;            ///< in execution order
  int sessions = 1;                     ///< llmbench invocations the runs come from
  std::map<int, AttemptInfo> attempts;  ///< by attempt number (results files only)
  protocol::EngineIdentity engine;      ///< what the engine said it is (newest session's)
  std::string commit, date, host;       ///< provenance of the data

  /// The runs of one attempt (0 = the last attempt present).
  CaseData Attempt(int attempt) const;
  int LastAttempt() const;
  /// Concurrency levels in first-seen order.
  std::vector<scenario::Level> Levels() const;
};

/// `dataset_hash`: the content hash of the class's dataset or trace (0 without one): other data, other prompts.
Fingerprint MakeFingerprint(const scenario::Case& c, std::uint64_t dataset_hash = 0);

/// "Intel(R) Xeon(R) ... × 2" from /proc/cpuinfo.
std::string HardwareId();

/// A run's statistics from its summary: throughput and counts, and the quantiles of its
/// per-request distributions.
RunData MakeRunData(const metrics::Summary& summary);

}  // namespace llmbench::gate
