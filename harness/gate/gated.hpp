// The curated set of gated statistics (GATING.md: many gates multiply false alarms, so few
// gate and the rest are reported): TTFT p50 / p95, TPOT p50 and output throughput gate; E2E
// p50 is report-only. ITL is gated through TPOT, which has one sample per request (pooled chunk
// gaps are not independent samples). Error rate is compared separately (1 percentage point).
#pragma once

#include <string>

namespace llmbench::gate {

struct GatedMetric {
  const char* metric;  ///< catalogue id
  double q;            ///< quantile of the per-request samples; < 0: a one-number level metric
  double tolerance;    ///< relative change that matters
  bool gating;         ///< false: report-only, never fails
  bool lower_is_better;
  /// Whether this statistic being unresolvable makes the case inconclusive. Tail percentiles
  /// are not decisive: from 64–80 requests per run their run-to-run spread (σ_run 0.06–0.09
  /// for TTFT p95 on the simulator) cannot resolve ±10 % in 3 runs, so they fail a case when
  /// they clearly regress and are otherwise reported with their minimum detectable change.
  bool decisive;

  /// "ttft.p50", or the metric id for one-number metrics: the key of RunData::values.
  std::string Key() const;
  /// "p50", or "" for one-number metrics.
  std::string Statistic() const;
};

inline constexpr GatedMetric kGatedMetrics[] = {{"ttft", 0.50, 0.05, true, true, true},
                                                {"ttft", 0.95, 0.10, true, true, false},
                                                {"tpot", 0.50, 0.05, true, true, true},
                                                {"e2e", 0.50, 0.05, false, true, false},
                                                {"output_throughput", -1, 0.05, true, false, true},
                                                // The SLO search's result: a capacity regression.
                                                {"max_rate_under_slo", -1, 0.10, true, false, true}};
inline constexpr double kErrorRateTolerance = 0.01;

/// Minimum samples in one run for a distribution-free 95 % statement about quantile q
/// (p50: 20, p90: 30, p95: 60, p99: 300); a run with fewer has no value for that key.
std::size_t MinSamples(double q);

}  // namespace llmbench::gate
