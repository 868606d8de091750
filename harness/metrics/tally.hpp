// LevelTally: what a level's summary needs from its records, gathered one record at a time as
// each request finishes, so that no record is kept once it is counted (and on disk, in
// records.jsonl). Counts are exact; the per-request samples live in SampleStores (exact up to
// SampleStore::kExactSamples values each, bounded buckets beyond). The runs of a level pool by
// Merge.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "load/record.hpp"
#include "metrics/sample_store.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::metrics {

class LevelTally {
 public:
  /// `slo`: what a good request is (goodput); `max_lag`: open loop, a send later than this
  /// behind its schedule is late.
  explicit LevelTally(const scenario::Slo& slo = {}, Nanoseconds max_lag = std::chrono::milliseconds(10));

  /// Counts one finished request (warm-up, failed and excluded ones included).
  void Add(const load::Record& r);
  /// Adds another run's tally of the same level (SLO and lag bound are this one's).
  void Merge(const LevelTally& other);

  /// The samples of a per-request metric by catalogue id (an empty store when none).
  const SampleStore& Samples(std::string_view id) const;
  const std::map<std::int32_t, SampleStore>& ttft_by_turn() const { return ttft_by_turn_; }
  const scenario::Slo& slo() const { return slo_; }
  /// The first measured failure ("stream: connection reset"), "" when none failed.
  const std::string& first_error() const { return first_error_; }

  // Counts (measured requests unless said otherwise).
  std::int64_t warmup = 0;
  std::int64_t requests = 0;  ///< not excluded
  std::int64_t succeeded = 0;
  std::int64_t excluded = 0;
  std::map<std::string, std::int64_t> errors;  ///< by ErrorKind name
  std::int64_t rate_capped = 0;
  double rate_wait_ms = 0;
  double input_tokens = 0, output_tokens = 0, good_tokens = 0;
  /// Output tokens of every measured request, failed ones included: usage, else counted.
  double output_tokens_received = 0;
  std::int64_t overloaded = 0, good = 0, length_known = 0, length_off = 0;
  std::int64_t code_checked = 0, code_off = 0, expect_checked = 0, expect_off = 0;
  bool output_tokens_counted = false, input_tokens_counted = false;
  // Open loop: late sends, and the span of the first turns' sends (the achieved rate).
  std::int64_t late_sends = 0, arrivals = 0;
  std::int64_t first_send = INT64_MAX, last_send = 0;

 private:
  void Add(std::string_view id, double v);
  SampleStore& Store(std::string_view id);

  scenario::Slo slo_;
  Nanoseconds max_lag_;
  std::map<std::string, SampleStore, std::less<>> samples_;
  std::map<std::int32_t, SampleStore> ttft_by_turn_;  ///< multi-turn classes: turn → TTFT samples
  std::string first_error_;
};

}  // namespace llmbench::metrics
