// A case's plan, computed before the clock starts: which runs (level × repetition) in which
// order, and the seeds of their prompts. Repetitions are interleaved (every level once, then
// every level again, …) so that a slow minute on the runner spreads over levels instead of
// landing on one level's every repetition.
#pragma once

#include <cstdint>
#include <vector>

#include "scenario/expand.hpp"

namespace llmbench::pipeline {

struct PlannedRun {
  scenario::Level load_level;
  int repetition = 1;  ///< 1-based
  int attempt = 1;
  /// Prompt bodies and lengths: one seed per level, the same for every repetition and attempt
  /// (each run measures the same prompts) and for every engine (a fair comparison).
  std::uint64_t prompt_seed = 0;
  /// Unique per run and per invocation: the prompts' preambles, so that no request of this run
  /// or of an earlier one (a blessing, the first attempt) shares a cacheable prefix.
  std::uint64_t nonce = 0;
};

/// The runs of one attempt in execution order. `session_nonce` is random per invocation.
std::vector<PlannedRun> PlanAttempt(const scenario::Case& c, int attempt, std::uint64_t session_nonce);

/// An open-loop run's intended send times (load/schedule.hpp): the warm-up's from 0, then the
/// measured ones' from 0 (ramp, count or duration as [load] says). Seeded by the level's prompt
/// seed: every repetition, attempt and engine gets the same arrivals. Empty for a closed loop.
/// A trace level replays `trace_timestamps_s` (seconds, file order) at load.trace_time_scale.
std::vector<std::int64_t> SendSchedule(const scenario::Case& c, const PlannedRun& run,
                                       const std::vector<double>* trace_timestamps_s = nullptr);

/// A sweep's open-loop points: `points` rates evenly between the synchronous and the throughput
/// points' measured request rates (req/s, both ends excluded), as GuideLLM spaces them.
std::vector<double> SweepRates(double synchronous, double throughput, std::int32_t points);

/// The prompt seed of a level: different prompts per level (no cross-level cache hits).
std::uint64_t LevelSeed(std::uint64_t case_seed, const scenario::Level& level);

}  // namespace llmbench::pipeline
