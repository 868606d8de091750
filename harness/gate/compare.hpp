// Noise-aware comparison of a run with its baseline (../shared/GATING.md): a change is a
// regression only when it is larger than the tolerance AND significant beyond sampling noise
// (bootstrap) and run-to-run noise (σ_run); when only one holds it is a warning.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llmbench::gate {

enum class Change { Regressed, Improved, Warn, Unchanged, Insufficient };

std::string_view ToString(Change c);

/// One metric at one level: data first, printing elsewhere.
struct Comparison {
  std::string metric;     ///< catalogue id
  std::string statistic;  ///< "p50", "p95"; "" for one-number metrics
  std::int64_t concurrency = 0;
  std::size_t n_base = 0, n_run = 0;  ///< samples per side
  double base = 0, run = 0;           ///< the compared values, catalogue unit
  double change = 0;                  ///< run / base − 1
  double ci_low = 0, ci_high = 0;     ///< 95 % interval of `change`
  double mde = 0;                     ///< minimum detectable change (relative, ≈ e^{1.96·SE} − 1)
  double tolerance = 0;               ///< relative (absolute for error_rate)
  bool lower_is_better = true;
  bool gating = true;  ///< false: report-only, never Regressed (at most Warn)
  Change verdict = Change::Unchanged;
  std::string note;  ///< why insufficient, or "cannot resolve ±5 % at n=…"
};

/// Minimum samples per side for a distribution-free 95 % statement about quantile q
/// (p50: 20, p90: 30, p95: 60, p99: 300).
std::size_t MinSamples(double q);

/// Quantile q of a latency-like sample (values > 0), by the rule: r = Q(run)/Q(base),
/// Δ = ln r, SE² = SE_boot² + 2·σ_run², regressed if (worse by > tolerance) and
/// Δ beyond 1.96·SE. The bootstrap (2,000 resamples per side, seed fixed by the metric
/// name) makes reruns agree exactly.
Comparison CompareQuantile(const std::string& metric, double q, const std::vector<double>& base,
                           const std::vector<double>& run, double tolerance, double sigma_run, bool lower_is_better);

/// A one-number-per-run metric (throughput): regressed if worse by > tolerance and by
/// > 3·σ_run (GATING.md: with one run per side only run-to-run noise can be assessed).
Comparison CompareScalar(const std::string& metric, double base, double run, double tolerance, double sigma_run,
                         bool lower_is_better);

/// Error rate: regressed if the rate rose by more than `tolerance` (absolute, e.g. 0.01) and a
/// two-proportion z-test says the rise is significant (z > 1.96).
Comparison CompareErrorRate(std::int64_t base_errors, std::int64_t base_requests, std::int64_t run_errors,
                            std::int64_t run_requests, double tolerance);

}  // namespace llmbench::gate
