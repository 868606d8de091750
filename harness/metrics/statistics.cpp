#include "metrics/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace llmbench::metrics {

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(sorted.size() - 1) * std::clamp(q, 0.0, 1.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double StatsPercentile(const Stats& s, double q) {
  if (q == 0.50) return s.p50;
  if (q == 0.90) return s.p90;
  if (q == 0.95) return s.p95;
  if (q == 0.99) return s.p99;
  return std::numeric_limits<double>::quiet_NaN();
}

Stats Describe(std::vector<double> values) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  Stats s{0, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  double mean = 0, m2 = 0;
  std::int64_t n = 0;
  for (const double v : values) {
    ++n;
    const double delta = v - mean;
    mean += delta / static_cast<double>(n);
    m2 += delta * (v - mean);
  }
  s.count = n;
  s.mean = mean;
  s.stddev = n > 1 ? std::sqrt(m2 / static_cast<double>(n - 1)) : 0.0;
  s.min = values.front();
  s.max = values.back();
  s.p50 = Percentile(values, 0.50);
  s.p90 = Percentile(values, 0.90);
  s.p95 = Percentile(values, 0.95);
  s.p99 = Percentile(values, 0.99);
  return s;
}

}  // namespace llmbench::metrics
