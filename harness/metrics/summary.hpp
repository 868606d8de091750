// Summary: one concurrency level's statistics, from its tally (metrics/tally.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "load/load_generator.hpp"
#include "metrics/statistics.hpp"
#include "metrics/tally.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::metrics {

/// Prices for the cost metric (scenario engine settings).
struct Pricing {
  std::optional<double> cost_per_hour;
  std::optional<double> price_per_million_input;
  std::optional<double> price_per_million_output;
};

struct Summary {
  scenario::Level load_level;
  std::int64_t requests = 0;  ///< measured (warm-up excluded)
  std::int64_t succeeded = 0;
  std::int64_t warmup = 0;
  std::map<std::string, std::int64_t> errors;  ///< by ErrorKind name, measured requests only
  bool cut_short = false;
  std::int64_t late_sends = 0;  ///< open loop: measured sends later than max_schedule_lag
  std::int64_t dropped = 0;     ///< open loop: measured sends dropped at max_concurrency (not in `requests`)
  /// Open loop: why this level's numbers do not measure the engine at its rate ("" = valid);
  /// see JudgeOpenLoop.
  std::string invalid;
  bool output_tokens_counted = false;  ///< some output counts did not come from server usage
  bool input_tokens_counted = false;
  /// Per-level metrics by catalogue id (request_throughput, output_throughput, ...).
  std::map<std::string, double> level;
  /// Per-request metrics by catalogue id, in catalogue order; metrics with no sample omitted.
  std::vector<std::pair<std::string, Stats>> distributions;

  const Stats* Find(std::string_view id) const;
};

/// The summary of a level (or of several runs of it: their tallies merged, `outcome` their
/// pooled timing). The tally's SLO empty: no goodput metrics (they would only repeat the
/// throughput). `window`: open loop with [load] duration, the measured window: requests still
/// streaming at its end are counted in drained_requests (outcome.drained: they were sent in it,
/// and finish after it).
Summary Summarize(const load::LevelOutcome& outcome, const LevelTally& tally, const Pricing& pricing,
                  Nanoseconds window = Nanoseconds(0));

/// Whether an open-loop level kept its schedule: "" when it did (or is closed loop), else why
/// not, naming the side that set the pace. The client fell behind when more than 1 % of the
/// sends, and more than one, were later than `max_lag` (lag p99 above it; checked first: a
/// client that falls behind also fills every slot); else the engine did not keep up when sends were
/// dropped at max_concurrency. Both make the level invalid: its latencies describe another load than the one asked for.
std::string JudgeOpenLoop(const Summary& s, Nanoseconds max_lag, std::int64_t max_concurrency);

}  // namespace llmbench::metrics
