#include "pipeline/plan.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "base/hash.hpp"
#include "load/schedule.hpp"

namespace llmbench::pipeline {
namespace {

// What tells levels apart in seeds: the concurrency (as it always was, so that closed-loop
// prompts stay those of earlier baselines), "r<rate>" for an open-loop level, "w<point>" for a
// sweep's (whatever rate it runs at).
bool ByTag(const scenario::Level& l) { return l.open() || l.sweep(); }
std::string SeedTag(const scenario::Level& l) { return ByTag(l) ? scenario::IdTag(l) : std::to_string(l.concurrency); }

}  // namespace

std::uint64_t LevelSeed(std::uint64_t case_seed, const scenario::Level& level) {
  const std::uint64_t k = ByTag(level) ? Fnv1a(SeedTag(level)) : static_cast<std::uint64_t>(level.concurrency + 1);
  return case_seed ^ (0x9E3779B97F4A7C15ULL * k);
}

std::vector<std::int64_t> SendSchedule(const scenario::Case& c, const PlannedRun& run,
                                       const std::vector<double>* trace_timestamps_s) {
  if (!run.load_level.open()) return {};
  if (run.load_level.rate <= 0) throw std::logic_error("an open-loop level needs its rate before its schedule");
  if (run.load_level.trace()) {
    if (trace_timestamps_s == nullptr) throw std::logic_error("a trace level needs the trace's timestamps");
    return load::TraceSchedule(*trace_timestamps_s, run.load_level.rate);
  }
  load::ScheduleSpec spec{.rate = run.load_level.rate,
                          .arrival = c.load.arrival,
                          .burstiness = c.load.burstiness,
                          .ramp_up = Nanoseconds(0),
                          .count = c.load.warmup,
                          .duration = Nanoseconds(0),
                          .seed = run.prompt_seed ^ 0x5bd1e995ULL};
  std::vector<std::int64_t> out = c.load.warmup > 0 ? load::MakeSchedule(spec) : std::vector<std::int64_t>{};
  spec.ramp_up = c.load.ramp_up;
  spec.count = c.load.duration.count() > 0 ? 0 : c.load.requests;
  spec.duration = c.load.duration;
  spec.seed = run.prompt_seed;
  const auto measured = load::MakeSchedule(spec);
  out.insert(out.end(), measured.begin(), measured.end());
  return out;
}

std::vector<double> SweepRates(double synchronous, double throughput, std::int32_t points) {
  std::vector<double> rates;
  for (std::int32_t k = 1; k <= points; ++k)
    rates.push_back(synchronous + (throughput - synchronous) * k / (points + 1));
  return rates;
}

std::vector<PlannedRun> PlanAttempt(const scenario::Case& c, int attempt, std::uint64_t session_nonce) {
  std::vector<PlannedRun> plan;
  // The search once per repetition, after the levels; only the selected ones (--level).
  std::vector<scenario::Level> levels;
  for (const auto& level : c.AllLevels())
    if (c.Selected(level)) levels.push_back(level);
  for (int rep = 1; rep <= c.load.repetitions; ++rep) {
    for (const scenario::Level& level : levels) {
      PlannedRun r;
      r.load_level = level;
      r.repetition = rep;
      r.attempt = attempt;
      r.prompt_seed = LevelSeed(c.prompt_seed, level);
      r.nonce =
          Fnv1a(std::to_string(attempt) + "/" + std::to_string(rep) + "/" + SeedTag(level) + "/" + c.id, session_nonce);
      plan.push_back(r);
    }
  }
  return plan;
}

}  // namespace llmbench::pipeline
