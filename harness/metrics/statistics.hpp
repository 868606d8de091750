// Descriptive statistics of a sample: mean, standard deviation, extremes and percentiles.
#pragma once

#include <cstdint>
#include <vector>

namespace llmbench::metrics {

/// Statistics of one sample. With count 0 every value is NaN (reported as null); with count 1
/// stddev is 0 and every percentile is the value.
struct Stats {
  std::int64_t count = 0;
  double mean, stddev, min, max, p50, p90, p95, p99;
  /// 0: the percentiles are exact; else each is within this fraction of the exact one (a large
  /// sample kept in buckets: SampleStore). Mean, stddev, min and max are always exact.
  double rel_error = 0;
};

/// Percentile `q` in [0, 1] of an ascending sample by linear interpolation between closest
/// ranks: h = (n − 1)·q, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) (Hyndman & Fan 1996, type 7;
/// numpy's and R's default, so figures agree with vLLM's and llmperf's). NaN when empty.
double Percentile(const std::vector<double>& sorted, double q);

/// The percentile `q` a Stats holds (0.5, 0.9, 0.95 or 0.99); NaN for any other.
double StatsPercentile(const Stats& s, double q);

/// Sample statistics; stddev is the sample standard deviation (n − 1 denominator), computed
/// with Welford's update so large offsets (nanosecond stamps) do not lose precision.
Stats Describe(std::vector<double> values);

}  // namespace llmbench::metrics
