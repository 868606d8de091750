#include "gate/compare.hpp"

#include "metrics/statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <map>
#include <numeric>

namespace llmbench::gate {
namespace {

constexpr double kZ = 1.96;               // two-sided 95 % (error rate)
constexpr double kImprovedLevel = 0.025;  // one-sided, unadjusted: "improved" is news, not a gate
constexpr double kNoisierLevel = 0.99;    // F-test quantile above which this run is noisier than its baseline

double Mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// Sample variance (n − 1), 0 for fewer than two values.
double Variance(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double sd = metrics::Describe(v).stddev;
  return sd * sd;
}

std::vector<double> Logs(const std::vector<double>& v) {
  std::vector<double> out;
  for (const double x : v) {
    if (x > 0 && std::isfinite(x)) out.push_back(std::log(x));
  }
  return out;
}

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
    case Change::Inconclusive:
      return "inconclusive";
    case Change::Insufficient:
      return "insufficient";
  }
  return "?";
}

namespace {

// One-way random-effects ANOVA of the baseline's ln values by session: the variance of a
// session's offset (σ_b², method of moments, ≥ 0) and Σ (n_i / N)², the share of it that stays
// in the pooled baseline mean. K < 2 sessions: nothing to estimate.
struct Between {
  double variance = 0, weight = 0;
  int sessions = 0;
};

Between SessionVariance(const std::vector<double>& logs, const std::vector<std::string>& sessions) {
  Between out;
  if (sessions.size() != logs.size()) return out;
  std::map<std::string, std::vector<double>> by;
  for (std::size_t i = 0; i < logs.size(); ++i) by[sessions[i]].push_back(logs[i]);
  out.sessions = static_cast<int>(by.size());
  if (by.size() < 2) return out;
  const double n = static_cast<double>(logs.size()), k = static_cast<double>(by.size());
  const double grand = Mean(logs);
  double ssb = 0, ssw = 0, sum_sq_n = 0;
  for (const auto& [id, v] : by) {
    const double m = Mean(v), ni = static_cast<double>(v.size());
    ssb += ni * (m - grand) * (m - grand);
    for (const double x : v) ssw += (x - m) * (x - m);
    sum_sq_n += ni * ni;
    out.weight += (ni / n) * (ni / n);
  }
  const double msb = ssb / (k - 1), msw = n > k ? ssw / (n - k) : 0;
  const double n0 = (n - sum_sq_n / n) / (k - 1);
  out.variance = n0 > 0 ? std::max(0.0, (msb - msw) / n0) : 0;
  return out;
}

}  // namespace

Comparison CompareRuns(const std::string& metric, const std::string& statistic, const std::vector<double>& base,
                       const std::vector<double>& run, double tolerance, bool lower_is_better,
                       const std::vector<std::string>& base_sessions) {
  Comparison c;
  c.metric = metric;
  c.statistic = statistic;
  c.tolerance = tolerance;
  c.lower_is_better = lower_is_better;
  std::vector<double> b;
  std::vector<std::string> b_sessions;
  for (std::size_t i = 0; i < base.size(); ++i) {
    if (!(base[i] > 0 && std::isfinite(base[i]))) continue;
    b.push_back(std::log(base[i]));
    if (base_sessions.size() == base.size()) b_sessions.push_back(base_sessions[i]);
  }
  const auto r = Logs(run);
  c.n_base = b.size();
  c.n_run = r.size();
  if (b.empty() || r.empty() || b.size() + r.size() < 3) {
    c.verdict = Change::Insufficient;
    c.note = fmt::format("needs ≥ 1 run per side and ≥ 3 in all to measure run-to-run noise (baseline {}, run {})",
                         b.size(), r.size());
    return c;
  }
  const double kb = static_cast<double>(b.size()), kr = static_cast<double>(r.size());
  const double floor = kMinSigma * kMinSigma;
  const double vb = std::max(Variance(b), floor), vr = std::max(Variance(r), floor);
  double se = 0;
  if (b.size() >= 2 && r.size() >= 2 &&
      vr / vb > boost::math::quantile(boost::math::fisher_f(kr - 1, kb - 1), kNoisierLevel)) {
    // This run is much noisier than its baseline (a disturbed runner): its own spread counts.
    c.method = "Welch t";
    const double wb = vb / kb, wr = vr / kr;
    se = std::sqrt(wb + wr);
    c.dof = (wb + wr) * (wb + wr) / (wb * wb / (kb - 1) + wr * wr / (kr - 1));
    c.sigma = std::sqrt(vr);
  } else {
    // Same noise on both sides under "unchanged": pool it for more degrees of freedom.
    c.method = "pooled t";
    const double dof_b = kb - 1, dof_r = kr - 1;
    const double pooled = (dof_b * (b.size() >= 2 ? vb : 0) + dof_r * (r.size() >= 2 ? vr : 0)) / (dof_b + dof_r);
    c.sigma = std::sqrt(std::max(pooled, floor));
    se = c.sigma * std::sqrt(1 / kb + 1 / kr);
    c.dof = dof_b + dof_r;
  }
  // Runs of one session share its offset (the engine's and the runner's state that day): this
  // case's runs all carry one, the baseline's mean carries Σ(n_i/N)² of one. The variance
  // between sessions is estimated from the baseline's sessions and added to the SE as a plug-in
  // value, keeping the run-level degrees of freedom: with the usual 3 blessing sessions its own
  // Satterthwaite share (K − 1 = 2 dof) would put t near 4–7 and no ±5 % could ever be
  // resolved. Bless from more sessions to estimate it better.
  const Between between = SessionVariance(b, b_sessions);
  if (between.variance > 0) {
    se = std::sqrt(se * se + between.variance * (1 + between.weight));
    c.method += " + sessions";
  }
  c.sigma_between = std::sqrt(between.variance);
  const double delta = Mean(r) - Mean(b);
  const boost::math::students_t t(c.dof);
  const double t975 = boost::math::quantile(t, 0.975);
  c.base = std::exp(Mean(b));
  c.run = std::exp(Mean(r));
  c.change = std::exp(delta) - 1;
  c.ci_low = std::exp(delta - t975 * se) - 1;
  c.ci_high = std::exp(delta + t975 * se) - 1;
  c.se = se;
  const double worse = (lower_is_better ? 1.0 : -1.0) * delta / se;
  c.p_worse = boost::math::cdf(boost::math::complement(t, worse));
  return c;
}

void Decide(Comparison& c, double alpha) {
  if (c.verdict == Change::Insufficient) return;
  c.alpha = alpha;
  const double sign = c.lower_is_better ? 1.0 : -1.0;
  const double delta = std::log1p(c.change);
  const double t = boost::math::quantile(boost::math::students_t(c.dof), 1 - alpha);
  // Relative worsening for a log change x in the worse direction (x = sign · Δ): a rise for
  // latencies, a drop for throughput.
  const auto worsening = [&](double x) { return c.lower_is_better ? std::expm1(x) : -std::expm1(-x); };
  c.mde = worsening(t * c.se);
  const double worse = worsening(sign * delta);             // the estimate, positive = worse
  const double worst = worsening(sign * delta + t * c.se);  // the worst plausible change
  const bool big_worse = worse > c.tolerance;
  const bool big_better = -worse > c.tolerance;
  const bool sig_better = 1 - c.p_worse < kImprovedLevel;
  if (big_worse && c.significant) {
    c.verdict = Change::Regressed;
  } else if (big_better && sig_better) {
    c.verdict = Change::Improved;
  } else if (c.gating && c.mde > c.tolerance && worst > c.tolerance) {
    c.verdict = Change::Inconclusive;
    c.note = fmt::format("cannot resolve ±{:.0f}%: minimum detectable change {:.1f}% (σ_run {:.3f}{}, {}/{} runs)",
                         c.tolerance * 100, c.mde * 100, c.sigma,
                         c.sigma_between > 0 ? fmt::format(", between sessions {:.3f}", c.sigma_between) : "", c.n_base,
                         c.n_run);
  } else if (big_worse || c.significant) {
    c.verdict = Change::Warn;
  } else {
    c.verdict = Change::Unchanged;
  }
  if (!c.gating && c.verdict == Change::Regressed) c.verdict = Change::Warn;
}

std::vector<bool> Holm(const std::vector<double>& p, double alpha, std::size_t untested) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<bool> rejected(p.size(), false);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (!(p[order[i]] <= alpha / static_cast<double>(order.size() + untested - i))) break;
    rejected[order[i]] = true;
  }
  return rejected;
}

Comparison CompareErrorRate(std::int64_t base_errors, std::int64_t base_requests, std::int64_t run_errors,
                            std::int64_t run_requests, double tolerance) {
  Comparison c;
  c.metric = "error_rate";
  c.method = "two-proportion z";
  c.n_base = static_cast<std::size_t>(std::max<std::int64_t>(base_requests, 0));
  c.n_run = static_cast<std::size_t>(std::max<std::int64_t>(run_requests, 0));
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
  c.se = se;
  c.p_worse = se > 0 ? 0.5 * std::erfc(c.change / se / std::sqrt(2.0)) : (c.change > 0 ? 0.0 : 1.0);
  const bool big = c.change > tolerance, sig = se > 0 ? c.change / se > kZ : c.change > 0;
  const bool big_better = -c.change > tolerance, sig_better = se > 0 && -c.change / se > kZ;
  c.verdict = big && sig                 ? Change::Regressed
              : big_better && sig_better ? Change::Improved
              : big || sig               ? Change::Warn
                                         : Change::Unchanged;
  c.note = "absolute change in error rate over all runs; two-proportion z-test";
  return c;
}

}  // namespace llmbench::gate
