#include "pipeline/plan.hpp"

#include <string>

#include "base/hash.hpp"

namespace llmbench::pipeline {

std::uint64_t LevelSeed(std::uint64_t case_seed, std::int64_t concurrency) {
  return case_seed ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(concurrency + 1));
}

std::vector<PlannedRun> PlanAttempt(const scenario::Case& c, int attempt, std::uint64_t session_nonce) {
  std::vector<PlannedRun> plan;
  for (int rep = 1; rep <= c.load.repetitions; ++rep) {
    for (const std::int64_t concurrency : c.load.concurrency) {
      PlannedRun r;
      r.concurrency = concurrency;
      r.repetition = rep;
      r.attempt = attempt;
      r.prompt_seed = LevelSeed(c.prompt_seed, concurrency);
      r.nonce =
          Fnv1a(std::to_string(attempt) + "/" + std::to_string(rep) + "/" + std::to_string(concurrency) + "/" + c.id,
                session_nonce);
      plan.push_back(r);
    }
  }
  return plan;
}

}  // namespace llmbench::pipeline
