#include "gate/compare.hpp"

#include "base/hash.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace llmbench::gate {
namespace {

constexpr int kBootstrapResamples = 2000;
constexpr double kZ = 1.96;  // two-sided 95 %

// Type-7 quantile of an unsorted sample, by selection (O(n)): the bootstrap calls it 4,000
// times per comparison.
double Quantile(std::vector<double>& v, double q) {
  const double h = static_cast<double>(v.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
  const double x_lo = v[lo];
  if (lo + 1 >= v.size()) return x_lo;
  const double x_hi = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
  return x_lo + (h - static_cast<double>(lo)) * (x_hi - x_lo);
}

// Applies the two conditions of the rule to Δ (sign: positive = worse).
Change Decide(double worse_log, double relative_worse, double se, double tolerance) {
  const bool big_worse = relative_worse > tolerance;
  const bool sig_worse = worse_log - kZ * se > 0;
  const bool big_better = -relative_worse > tolerance;
  const bool sig_better = worse_log + kZ * se < 0;
  if (big_worse && sig_worse) return Change::Regressed;
  if (big_better && sig_better) return Change::Improved;
  if (big_worse || sig_worse || big_better || sig_better) return Change::Warn;
  return Change::Unchanged;
}

std::string StatName(double q) { return fmt::format("p{}", static_cast<int>(std::lround(q * 100))); }

}  // namespace

std::string_view ToString(Change c) {
  switch (c) {
    case Change::Regressed:
      return "regressed";
    case Change::Improved:
      return "improved";
    case Change::Warn:
      return "warn";
    case Change::Unchanged:
      return "unchanged";
    case Change::Insufficient:
      return "insufficient";
  }
  return "?";
}

std::size_t MinSamples(double q) {
  if (q <= 0.5) return 20;
  if (q <= 0.9) return 30;
  if (q <= 0.95) return 60;
  return 300;
}

Comparison CompareQuantile(const std::string& metric, double q, const std::vector<double>& base,
                           const std::vector<double>& run, double tolerance, double sigma_run, bool lower_is_better) {
  Comparison c;
  c.metric = metric;
  c.statistic = StatName(q);
  c.n_base = base.size();
  c.n_run = run.size();
  c.tolerance = tolerance;
  c.lower_is_better = lower_is_better;
  const std::size_t need = MinSamples(q);
  if (base.size() < need || run.size() < need) {
    c.verdict = Change::Insufficient;
    c.note = fmt::format("{} needs {} samples per side (baseline {}, run {}): raise requests per level", c.statistic,
                         need, base.size(), run.size());
    return c;
  }
  std::vector<double> b = base, r = run;
  c.base = Quantile(b, q);
  c.run = Quantile(r, q);
  if (!(c.base > 0) || !(c.run > 0)) {
    c.verdict = Change::Insufficient;
    c.note = "the statistic is zero on one side: a ratio is undefined";
    return c;
  }
  const double delta = std::log(c.run / c.base);
  std::mt19937_64 rng(Fnv1a(metric + c.statistic));
  std::vector<double> bs(b.size()), rs(r.size());
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < kBootstrapResamples; ++i) {
    for (auto& x : bs) x = b[rng() % b.size()];
    for (auto& x : rs) x = r[rng() % r.size()];
    const double qb = Quantile(bs, q), qr = Quantile(rs, q);
    const double d = qb > 0 && qr > 0 ? std::log(qr / qb) : delta;
    sum += d;
    sum_sq += d * d;
  }
  const double n = kBootstrapResamples;
  const double se_boot = std::sqrt(std::max(0.0, (sum_sq - sum * sum / n) / (n - 1)));
  const double se = std::sqrt(se_boot * se_boot + 2 * sigma_run * sigma_run);
  c.change = c.run / c.base - 1;
  c.ci_low = std::exp(delta - kZ * se) - 1;
  c.ci_high = std::exp(delta + kZ * se) - 1;
  c.mde = std::exp(kZ * se) - 1;
  const double sign = lower_is_better ? 1.0 : -1.0;
  c.verdict = Decide(sign * delta, sign * c.change, se, tolerance);
  if (c.mde > tolerance) {
    c.note = fmt::format("cannot resolve changes of ±{:.0f}% at n={}/{} (minimum detectable {:.1f}%)", tolerance * 100,
                         c.n_base, c.n_run, c.mde * 100);
  }
  return c;
}

Comparison CompareScalar(const std::string& metric, double base, double run, double tolerance, double sigma_run,
                         bool lower_is_better) {
  Comparison c;
  c.metric = metric;
  c.n_base = c.n_run = 1;
  c.base = base;
  c.run = run;
  c.tolerance = tolerance;
  c.lower_is_better = lower_is_better;
  if (!(base > 0) || !(run > 0)) {
    c.verdict = Change::Insufficient;
    c.note = "zero on one side";
    return c;
  }
  const double delta = std::log(run / base);
  c.change = run / base - 1;
  c.ci_low = std::exp(delta - 3 * sigma_run) - 1;
  c.ci_high = std::exp(delta + 3 * sigma_run) - 1;
  c.mde = std::exp(3 * sigma_run) - 1;
  const double sign = lower_is_better ? 1.0 : -1.0;
  // 3·σ_run plays the role of 1.96·SE: pass se = 3σ/1.96 to the shared decision.
  c.verdict = Decide(sign * delta, sign * c.change, 3 * sigma_run / kZ, tolerance);
  c.note = "one number per run: only run-to-run noise (3·σ_run) is accounted for";
  return c;
}

Comparison CompareErrorRate(std::int64_t base_errors, std::int64_t base_requests, std::int64_t run_errors,
                            std::int64_t run_requests, double tolerance) {
  Comparison c;
  c.metric = "error_rate";
  c.n_base = static_cast<std::size_t>(base_requests);
  c.n_run = static_cast<std::size_t>(run_requests);
  c.tolerance = tolerance;
  if (base_requests <= 0 || run_requests <= 0) {
    c.verdict = Change::Insufficient;
    c.note = "no requests on one side";
    return c;
  }
  c.base = static_cast<double>(base_errors) / static_cast<double>(base_requests);
  c.run = static_cast<double>(run_errors) / static_cast<double>(run_requests);
  c.change = c.run - c.base;  // absolute, in fraction points
  const double pooled =
      static_cast<double>(base_errors + run_errors) / static_cast<double>(base_requests + run_requests);
  const double se = std::sqrt(pooled * (1 - pooled) *
                              (1.0 / static_cast<double>(base_requests) + 1.0 / static_cast<double>(run_requests)));
  c.ci_low = c.change - kZ * se;
  c.ci_high = c.change + kZ * se;
  c.mde = kZ * se;
  const bool big = c.change > tolerance, sig = se > 0 ? c.change / se > kZ : c.change > 0;
  const bool big_better = -c.change > tolerance, sig_better = se > 0 && -c.change / se > kZ;
  c.verdict = big && sig                 ? Change::Regressed
              : big_better && sig_better ? Change::Improved
              : big || sig               ? Change::Warn
                                         : Change::Unchanged;
  c.note = "absolute change in error rate; two-proportion z-test";
  return c;
}

}  // namespace llmbench::gate
