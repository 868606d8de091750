// Per-request figures of a case read back from its records.jsonl: what the CDF and timeline
// charts draw (a level's summary keeps statistics only). Every figure is computed by
// metrics::Measure, exactly as the summaries are.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scenario/level.hpp"

namespace llmbench::report {

/// One request of the timeline: ms since its repetition's first send.
struct RequestSpan {
  double send_ms = 0;
  double first_token_ms = -1;  ///< -1: no token arrived
  double end_ms = 0;
  bool failed = false;
};

/// The timeline shows at most this many requests (the first sent) of a level's first repetition.
inline constexpr std::size_t kTimelineRequests = 100;

struct LevelSamples {
  scenario::Level level;
  /// ms, one per successful measured request of every repetition of the last attempt, sorted.
  std::vector<double> ttft, tpot, e2e;
  std::vector<RequestSpan> timeline;   ///< repetition 1, the first kTimelineRequests by send time
  std::int64_t timeline_requests = 0;  ///< measured requests of repetition 1
};

struct RecordSamples {
  std::map<std::string, std::vector<LevelSamples>> cases;  ///< by case id; levels in level order
  std::int64_t bad_lines = 0;                              ///< lines that were not a record (a run cut off mid-line)
};

/// Every case's last attempt in the records.jsonl at `path` (warm-up left out), in one pass. A
/// missing file gives nothing; a file that cannot be read throws std::runtime_error naming it.
RecordSamples ReadRecordSamples(const std::string& path);

}  // namespace llmbench::report
