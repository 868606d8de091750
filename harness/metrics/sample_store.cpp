#include "metrics/sample_store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace llmbench::metrics {
namespace {

// γ: a bucket's upper bound over its lower; its value 2γ^i/(γ+1) is within kRelativeError of
// every value in it.
constexpr double kGamma = (1 + SampleStore::kRelativeError) / (1 - SampleStore::kRelativeError);
const double kLogGamma = std::log(kGamma);

// Every finite non-zero magnitude has its bucket: |index| ≤ 373,000 (the denormals' ln is
// −744). Buckets are stored densely between the lowest and highest used: three orders of
// magnitude take ~3,500 of them (28 KiB); the whole double range, hostile input only, 5.8 MiB.
std::int32_t IndexOf(double magnitude) { return static_cast<std::int32_t>(std::ceil(std::log(magnitude) / kLogGamma)); }

double ValueOf(std::int32_t index) { return 2 * std::pow(kGamma, index) / (kGamma + 1); }

void Count(std::vector<std::int64_t>& buckets, std::int32_t& low, std::int32_t index, std::int64_t times) {
  if (buckets.empty()) {
    low = index;
    buckets.assign(1, 0);
  } else if (index < low) {
    buckets.insert(buckets.begin(), static_cast<std::size_t>(low - index), 0);
    low = index;
  } else if (index - low >= static_cast<std::int32_t>(buckets.size())) {
    buckets.resize(static_cast<std::size_t>(index - low) + 1, 0);
  }
  buckets[static_cast<std::size_t>(index - low)] += times;
}

}  // namespace

void SampleStore::Add(double v) {
  if (!std::isfinite(v)) return;
  ++n_;
  const double delta = v - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (v - mean_);
  min_ = n_ == 1 ? v : std::min(min_, v);
  max_ = n_ == 1 ? v : std::max(max_, v);
  if (bucketed_) {
    Bucket(v, 1);
    return;
  }
  exact_.push_back(v);
  if (exact_.size() > kExactSamples) ToBuckets();
}

void SampleStore::Merge(const SampleStore& other) {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  const auto na = static_cast<double>(n_), nb = static_cast<double>(other.n_);
  const double delta = other.mean_ - mean_;
  mean_ += delta * nb / (na + nb);
  m2_ += other.m2_ + delta * delta * na * nb / (na + nb);
  n_ += other.n_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  if (!bucketed_ && !other.bucketed_ && exact_.size() + other.exact_.size() <= kExactSamples) {
    exact_.insert(exact_.end(), other.exact_.begin(), other.exact_.end());
    return;
  }
  ToBuckets();
  for (const double v : other.exact_) Bucket(v, 1);
  for (std::size_t i = 0; i < other.positive_.size(); ++i) {
    if (other.positive_[i] > 0)
      Count(positive_, positive_low_, other.positive_low_ + static_cast<std::int32_t>(i), other.positive_[i]);
  }
  for (std::size_t i = 0; i < other.negative_.size(); ++i) {
    if (other.negative_[i] > 0)
      Count(negative_, negative_low_, other.negative_low_ + static_cast<std::int32_t>(i), other.negative_[i]);
  }
  zeros_ += other.zeros_;
}

void SampleStore::Bucket(double v, std::int64_t times) {
  if (v > 0) {
    Count(positive_, positive_low_, IndexOf(v), times);
  } else if (v < 0) {
    Count(negative_, negative_low_, IndexOf(-v), times);
  } else {
    zeros_ += times;
  }
}

void SampleStore::ToBuckets() {
  if (bucketed_) return;
  bucketed_ = true;
  for (const double v : exact_) Bucket(v, 1);
  std::vector<double>().swap(exact_);
}

double SampleStore::ValueAt(std::int64_t rank) const {
  // Ascending: the negative buckets from the largest magnitude down, the zeros, the positive ones up.
  for (std::size_t k = negative_.size(); k-- > 0;) {
    if (rank < negative_[k]) return -ValueOf(negative_low_ + static_cast<std::int32_t>(k));
    rank -= negative_[k];
  }
  if (rank < zeros_) return 0.0;
  rank -= zeros_;
  for (std::size_t k = 0; k < positive_.size(); ++k) {
    if (rank < positive_[k]) return ValueOf(positive_low_ + static_cast<std::int32_t>(k));
    rank -= positive_[k];
  }
  return max_;
}

double SampleStore::Percentile(double q) const {
  // Hyndman & Fan type 7 over the buckets' values, as metrics::Percentile over the samples.
  const double h = static_cast<double>(n_ - 1) * std::clamp(q, 0.0, 1.0);
  const auto lo = static_cast<std::int64_t>(std::floor(h));
  const double below = ValueAt(lo), above = ValueAt(std::min(lo + 1, n_ - 1));
  return std::clamp(below + (h - static_cast<double>(lo)) * (above - below), min_, max_);
}

Stats SampleStore::Describe() const {
  if (!bucketed_) return metrics::Describe(exact_);
  Stats s;
  s.count = n_;
  s.mean = mean_;
  s.stddev = n_ > 1 ? std::sqrt(m2_ / static_cast<double>(n_ - 1)) : 0.0;
  s.min = min_;
  s.max = max_;
  s.p50 = Percentile(0.50);
  s.p90 = Percentile(0.90);
  s.p95 = Percentile(0.95);
  s.p99 = Percentile(0.99);
  s.rel_error = kRelativeError;
  return s;
}

}  // namespace llmbench::metrics
