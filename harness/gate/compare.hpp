// The comparison of one gated statistic at one level: a t-test on per-run log statistics
// (../shared/GATING.md, "What a shared runner does to that rule"). Each side is a set of runs
// (the baseline's blessing runs, this case's repetitions), each reduced to one number (its
// p50, p95 or throughput); the spread between runs *is* the run-to-run noise, so it is measured
// on both sides, not assumed, and sampling noise within a run is part of it. Student-t with the
// right degrees of freedom, pooled variance unless this run is significantly noisier than its
// baseline (then Welch). A verdict needs both a change beyond the tolerance and significance
// (after Holm across the case, see verdict.hpp); when the interval is too wide to resolve the
// tolerance and a regression cannot be ruled out, the honest answer is *inconclusive*.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/level.hpp"

namespace llmbench::gate {

enum class Change { Regressed, Improved, Warn, Unchanged, Inconclusive, Insufficient };

std::string_view ToString(Change c);

/// One metric at one level: data first, printing elsewhere.
struct Comparison {
  std::string metric;     ///< catalogue id
  std::string statistic;  ///< "p50", "p95"; "" for one-number metrics
  scenario::Level load_level;
  std::size_t n_base = 0, n_run = 0;  ///< runs per side that entered the test
  std::size_t busy_excluded = 0;      ///< this case's runs left out because the runner was busy
  bool all_busy = false;              ///< every run of this side ran on a busy runner
  double base = 0, run = 0;           ///< geometric means of the per-run values, catalogue unit
  double change = 0;                  ///< run / base − 1
  double ci_low = 0, ci_high = 0;     ///< 95 % interval of `change`
  double mde = 0;                     ///< minimum detectable worsening at the test's own level (see Decide)
  double se = 0;                      ///< standard error of Δ = ln(run / base)
  double sigma = 0;                   ///< run-to-run stddev of ln(value) the test used
  double sigma_between = 0;           ///< stddev of ln(value) between blessing sessions (0: not seen)
  double dof = 0;                     ///< degrees of freedom of the t-test
  double p_worse = 1;                 ///< one-sided p-value of "worse" (before Holm)
  double alpha = 0.025;               ///< one-sided level the MDE and the worst bound are taken at
  bool significant = false;           ///< worse, significant after Holm across the case
  std::string method;                 ///< "pooled t" | "Welch t" (+ " + sessions") | "two-proportion z"
  double tolerance = 0;               ///< relative (absolute for error_rate)
  bool lower_is_better = true;
  bool gating = true;    ///< false: report-only, never Regressed (at most Warn)
  bool decisive = true;  ///< an Inconclusive verdict makes the case inconclusive (else a note)
  Change verdict = Change::Unchanged;
  std::string note;  ///< why insufficient / inconclusive, or what was left out
};

/// Runs' values (> 0) of one statistic on each side → the test's numbers; verdict left for
/// Decide() once Holm has set `significant`. Fewer than 3 runs in all: Insufficient.
/// `base_sessions` (optional, one per base value) names each baseline run's session: with runs
/// from ≥ 2 sessions the variance between sessions is estimated and added (this case's runs
/// share one session's offset, which more repetitions do not average away).
Comparison CompareRuns(const std::string& metric, const std::string& statistic, const std::vector<double>& base,
                       const std::vector<double>& run, double tolerance, bool lower_is_better,
                       const std::vector<std::string>& base_sessions = {});

/// Sets `verdict` from the numbers and `significant`, with the MDE and the worst plausible
/// change taken at one-sided level `alpha` (the case's Bonferroni level α/m, the strictest step
/// of Holm, so that "MDE below the tolerance" means a change beyond it would be significant):
/// Regressed (worse beyond tolerance and significant), Improved (better beyond tolerance,
/// significant at 2.5 % one-sided), Inconclusive (gating, MDE > tolerance and the worst
/// plausible change is beyond it), Warn (worse only: significant but within the tolerance),
/// Unchanged. For higher-is-better metrics "worse" is a drop: MDE = 1 − e^{−t·SE}.
void Decide(Comparison& c, double alpha = 0.025);

/// Holm's step-down over `p` at family-wise level `alpha`: which hypotheses are rejected.
/// `untested`: members of the family judged elsewhere (a case's other levels, run by another
/// shard), counted as never rejected (p = 1), so that the whole family keeps its level.
std::vector<bool> Holm(const std::vector<double>& p, double alpha, std::size_t untested = 0);

/// Error rate over all runs of each side: regressed if the rate rose by more than `tolerance`
/// (absolute, e.g. 0.01) and a two-proportion z-test says the rise is significant (z > 1.96).
Comparison CompareErrorRate(std::int64_t base_errors, std::int64_t base_requests, std::int64_t run_errors,
                            std::int64_t run_requests, double tolerance);

/// Floor on the run-to-run stddev of ln(value): identical runs (a deterministic engine, or
/// rounding) must not make any difference infinitely significant.
inline constexpr double kMinSigma = 0.005;

}  // namespace llmbench::gate
