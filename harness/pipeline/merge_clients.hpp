// `llmbench merge`: the results of several client hosts (`llmbench run --client K/N`) pooled
// into the results of one run, as if one client had sent the whole load. Each host's stamps are
// moved onto one time line (ns since a minute before --start-at, through the wall-clock mapping each run
// recorded), every (attempt, repetition, level) run's records are pooled in intended-send order,
// and the summaries are computed again from them, so the merged results.json reads, reports and
// judges like any other. The hosts' wall clocks must agree (NTP): a skew between them cannot be
// seen from here, and shifts one host's sends against the others'.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "gate/case_data.hpp"
#include "load/load_generator.hpp"
#include "metrics/summary.hpp"
#include "pipeline/execute.hpp"
#include "scenario/expand.hpp"

namespace llmbench::pipeline {

/// A run's records: (case id, attempt, repetition).
using RunKey = std::tuple<std::string, int, int>;

/// One client host's results.json, and its records.jsonl beside it.
struct ClientResults {
  std::string path;
  nlohmann::json results;
  std::map<RunKey, std::vector<load::Record>> records;
  std::int32_t part = 1;  ///< 1-based
  std::int32_t of = 1;
  std::int64_t start_utc_ns = 0;
  std::int64_t slot_ns = 0, warmup_slot_ns = 0;
};

/// The merged time line's zero: a minute before --start-at (so that no stamp of a run is 0,
/// which means "not stamped").
inline constexpr std::int64_t kMergedEpochBeforeStartNs = 60'000'000'000;

/// Reads every host's results.json (a directory or the file) and the records.jsonl beside it (a
/// line that is not a record is an error naming it: the merge would miss a request), and checks that they belong
/// together: every one a client part, the same N, --start-at, --slot and --warmup-slot, each
/// part once. Sorted by part.
/// Throws std::runtime_error naming the file and what is wrong (a missing part is an error: the
/// engine saw less load than the scenario says).
std::vector<ClientResults> ReadClientResults(const std::vector<std::string>& paths);

struct MergedRun {
  gate::RunData data;
  metrics::Summary summary;
  LevelRun run;                       ///< the pooled timing and tally
  std::vector<load::Record> records;  ///< every host's records on the merged time line, in send order
  nlohmann::json clients;             ///< per host: its part, requests, and how late it started
};

struct MergedCase {
  std::string id;
  nlohmann::json fields;  ///< the case entry's fields of part 1 (url, protocol, fingerprint, …)
  std::vector<MergedRun> runs;
  std::vector<metrics::Summary> levels;  ///< pooled over repetitions, in run order
  std::string status = "passed";
  std::string message;
};

/// The case `c` as every host ran it (`entries`: its case entry in each host's results, in
/// part order). Throws std::runtime_error when the hosts did not run the same thing (another
/// fingerprint, other runs).
MergedCase MergeCase(const scenario::Case& c, const std::vector<ClientResults>& hosts,
                     const std::vector<const nlohmann::json*>& entries);

}  // namespace llmbench::pipeline
