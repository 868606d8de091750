// The process exit codes of every llmbench subcommand, documented in README.md ("Exit codes").
#pragma once

#include <algorithm>
#include <vector>

#include "gate/verdict.hpp"

namespace llmbench::app {

inline constexpr int kExitOk = 0;                  ///< everything ran and passed
inline constexpr int kExitMeasurementFailed = 1;   ///< a regression, a broken threshold, a failed measurement
inline constexpr int kExitBadInput = 2;            ///< bad scenario, options or files: nothing ran
inline constexpr int kExitEngineUnreachable = 77;  ///< CTest's SKIP_RETURN_CODE: skipped or inconclusive
inline constexpr int kExitInconclusive = 77;

/// 1 if any case failed or errored; else 77 if any case was inconclusive (a noisy runner never
/// passes silently) or every case was skipped; else 0.
inline int ExitCodeFor(const std::vector<gate::CaseVerdict>& verdicts) {
  const auto count = [&](gate::Outcome o) {
    return std::count_if(verdicts.begin(), verdicts.end(), [&](const auto& v) { return v.outcome == o; });
  };
  if (count(gate::Outcome::Failed) + count(gate::Outcome::Error) > 0) return kExitMeasurementFailed;
  if (count(gate::Outcome::Inconclusive) > 0) return kExitInconclusive;
  if (!verdicts.empty() && count(gate::Outcome::Skipped) == static_cast<long>(verdicts.size()))
    return kExitEngineUnreachable;
  return kExitOk;
}

}  // namespace llmbench::app
