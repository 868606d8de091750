// What a gate compares for one case: per level, the summary and the per-request samples of the
// gated metrics, plus the fingerprint that says whether two cases are comparable at all.
// Built from a live run or read back from results.json / a baseline file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "load/record.hpp"
#include "metrics/summary.hpp"
#include "scenario/expand.hpp"

namespace llmbench::gate {

/// Baseline and run must match on every field to be compared.
struct Fingerprint {
  std::string settings;  ///< hash of what was measured: class, load, engine protocol/model/options
  std::string engine;    ///< "name protocol model" (not the server's internals: a new server
                         ///< version or slower simulator is exactly what the gate must catch)
  std::string hardware;  ///< CPU model × logical CPUs of the machine that ran the harness
  std::string harness;   ///< major.minor of llmbench
  bool operator==(const Fingerprint&) const = default;
};

/// Per-request metrics kept as samples (one value per successful measured request).
inline constexpr const char* kSampledMetrics[] = {"ttft", "tpot", "e2e"};

struct LevelData {
  metrics::Summary summary;
  std::map<std::string, std::vector<double>> samples;  ///< by kSampledMetrics id
};

struct CaseData {
  std::string case_id;
  Fingerprint fingerprint;
  std::vector<LevelData> levels;
  std::map<std::string, double> sigma_run;  ///< run-to-run stddev of ln(metric) by "ttft.p50" etc.
  int runs = 1;                             ///< how many runs `sigma_run` was measured from
  std::string commit, date, host;           ///< provenance of the data

  const LevelData* Level(std::int64_t concurrency) const;
};

Fingerprint MakeFingerprint(const scenario::Case& c);

/// "Intel(R) Xeon(R) ... × 2" from /proc/cpuinfo.
std::string HardwareId();

LevelData MakeLevelData(const metrics::Summary& summary, const std::vector<load::Record>& records);

}  // namespace llmbench::gate
