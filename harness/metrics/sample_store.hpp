// SampleStore: the samples of one per-request metric in bounded memory. Up to kExactSamples
// values are kept as they are (statistics exactly as Describe computes them, numpy's
// percentiles); beyond that the store turns into a histogram of logarithmic buckets, each
// kRelativeError wide relative to its values (DDSketch's layout: Masson, Rim & Lee, VLDB 2019), so
// a run of a million requests costs kilobytes, not megabytes. Mean, standard deviation, minimum
// and maximum stay exact (Welford's running moments); percentiles are then within
// kRelativeError of the exact ones, and Stats::rel_error says so.
// No Debian package offers a mergeable relative-error sketch for C++ (HdrHistogram is packaged
// for Go and Java only; Boost.Histogram adds histograms only over identical, fixed axes).
#pragma once

#include <cstdint>
#include <vector>

#include "metrics/statistics.hpp"

namespace llmbench::metrics {

class SampleStore {
 public:
  /// Values kept exactly before the store turns into buckets (256 KiB of doubles).
  static constexpr std::size_t kExactSamples = std::size_t{1} << 15;
  /// Relative error of a percentile once bucketed: 0.1 %, well below any run-to-run noise.
  static constexpr double kRelativeError = 1e-3;

  /// A finite value (NaN and infinities are left out: "does not apply").
  void Add(double v);
  /// Adds every sample of `other` (pooling the runs of a level).
  void Merge(const SampleStore& other);
  std::int64_t count() const { return n_; }
  bool bucketed() const { return bucketed_; }
  /// The statistics of the samples; count 0 gives every value NaN, as Describe does.
  Stats Describe() const;

 private:
  void Bucket(double v, std::int64_t times);
  void ToBuckets();
  double ValueAt(std::int64_t rank) const;  ///< the rank-th smallest sample's bucket value (0-based)
  double Percentile(double q) const;

  std::vector<double> exact_;
  bool bucketed_ = false;
  // Buckets: index i holds the positive values in (γ^(i−1), γ^i]; negative ones mirrored.
  std::vector<std::int64_t> positive_, negative_;
  std::int32_t positive_low_ = 0, negative_low_ = 0;  ///< bucket index of element 0
  std::int64_t zeros_ = 0;
  // Running moments over every sample (Welford; Chan et al. to merge).
  std::int64_t n_ = 0;
  double mean_ = 0, m2_ = 0, min_ = 0, max_ = 0;
};

}  // namespace llmbench::metrics
