// Open-loop schedules as pure functions with fixed seeds: constant gaps are exact, Poisson and
// gamma gaps pass a Kolmogorov–Smirnov test against their distribution, a ramp rises linearly,
// a duration bounds the arrivals, a trace keeps its own spacing, and a seed reproduces it all.
#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <vector>

#include "load/schedule.hpp"

using llmbench::Nanoseconds;
using llmbench::load::MakeSchedule;
using llmbench::load::ScheduleSpec;

namespace {

constexpr double kNsPerS = 1e9;

std::vector<double> GapsS(const std::vector<std::int64_t>& t) {
  std::vector<double> gaps;
  for (std::size_t i = 1; i < t.size(); ++i) gaps.push_back(static_cast<double>(t[i] - t[i - 1]) / kNsPerS);
  return gaps;
}

// Kolmogorov–Smirnov: the p-value of the largest gap between the samples' empirical CDF and
// `cdf`, from the asymptotic Kolmogorov distribution with Stephens' small-sample correction.
double KsPValue(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  const double lambda = (std::sqrt(n) + 0.12 + 0.11 / std::sqrt(n)) * d;
  double q = 0;
  for (int j = 1; j <= 100; ++j) q += 2 * ((j % 2) ? 1 : -1) * std::exp(-2.0 * j * j * lambda * lambda);
  return std::clamp(q, 0.0, 1.0);
}

double Mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }
double Cv(const std::vector<double>& v) {
  const double m = Mean(v);
  double ss = 0;
  for (const double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / (v.size() - 1)) / m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(constant_arrivals_are_evenly_spaced_from_zero) {
  const auto t = MakeSchedule({.rate = 50, .arrival = "constant", .count = 100, .seed = 3});
  BOOST_TEST_REQUIRE(t.size() == 100u);
  BOOST_TEST(t.front() == 0);
  for (std::size_t i = 1; i < t.size(); ++i) BOOST_TEST(std::llabs(t[i] - t[i - 1] - 20'000'000) <= 1);
}

BOOST_AUTO_TEST_CASE(poisson_gaps_pass_a_ks_test_against_the_exponential) {
  const double rate = 500;
  const auto t = MakeSchedule({.rate = rate, .arrival = "poisson", .count = 5000, .seed = 1});
  const auto gaps = GapsS(t);
  const boost::math::exponential_distribution<double> exp(rate);
  const double p = KsPValue(gaps, [&](double x) { return boost::math::cdf(exp, x); });
  BOOST_TEST_MESSAGE("KS p-value of 4,999 Poisson gaps vs Exp(500/s): " << p);
  BOOST_TEST(p > 0.05);
  BOOST_TEST(std::abs(Mean(gaps) * rate - 1) < 0.05);
  BOOST_TEST(std::abs(Cv(gaps) - 1) < 0.05);  // the exponential's CV is 1
  // A wrong distribution fails the same test: constant gaps are not exponential.
  const auto constant = GapsS(MakeSchedule({.rate = rate, .arrival = "constant", .count = 5000}));
  std::vector<double> jittered = constant;
  for (std::size_t i = 0; i < jittered.size(); ++i) jittered[i] *= 1 + 0.01 * std::sin(static_cast<double>(i));
  BOOST_TEST(KsPValue(jittered, [&](double x) { return boost::math::cdf(exp, x); }) < 1e-6);
}

BOOST_AUTO_TEST_CASE(gamma_gaps_have_the_rate_and_the_burstiness_asked_for) {
  for (const double k : {0.25, 1.0, 4.0}) {
    const double rate = 20;
    const auto gaps =
        GapsS(MakeSchedule({.rate = rate, .arrival = "gamma", .burstiness = k, .count = 5000, .seed = 9}));
    const boost::math::gamma_distribution<double> g(k, 1 / (rate * k));
    const double p = KsPValue(gaps, [&](double x) { return boost::math::cdf(g, x); });
    BOOST_TEST(p > 0.05, "k=" << k << " p=" << p);
    BOOST_TEST(std::abs(Mean(gaps) * rate - 1) < 0.06, "k=" << k);
    BOOST_TEST(std::abs(Cv(gaps) - 1 / std::sqrt(k)) < 0.1 / std::sqrt(k), "k=" << k << " cv=" << Cv(gaps));
  }
}

BOOST_AUTO_TEST_CASE(a_seed_reproduces_the_schedule_and_another_seed_does_not) {
  const ScheduleSpec a{.rate = 10, .arrival = "poisson", .count = 50, .seed = 42};
  ScheduleSpec b = a;
  b.seed = 43;
  BOOST_TEST(MakeSchedule(a) == MakeSchedule(a));
  BOOST_TEST(MakeSchedule(a) != MakeSchedule(b));
  // Pinned: the same arrivals on every machine and library build (Boost.Random, not <random>).
  const auto t = MakeSchedule(a);
  BOOST_TEST(t[1] == 53'662'187);
  BOOST_TEST(t[2] == 130'836'084);
  BOOST_TEST(t.back() == 5'398'013'800);
}

BOOST_AUTO_TEST_CASE(a_duration_bounds_the_arrivals) {
  const auto c = MakeSchedule({.rate = 10, .arrival = "constant", .duration = std::chrono::seconds(3)});
  BOOST_TEST(c.size() == 30u);  // 0, 0.1, …, 2.9 s
  const auto p = MakeSchedule({.rate = 200, .arrival = "poisson", .duration = std::chrono::seconds(10), .seed = 5});
  BOOST_TEST(p.back() < 10'000'000'000LL);
  BOOST_TEST(std::abs(static_cast<double>(p.size()) - 2000) < 4 * std::sqrt(2000.0));
}

BOOST_AUTO_TEST_CASE(a_ramp_rises_linearly_then_holds_the_rate) {
  // 100 req/s after a 2 s ramp: R·T/2 = 100 arrivals during the ramp, then one every 10 ms.
  const auto t =
      MakeSchedule({.rate = 100, .arrival = "constant", .ramp_up = std::chrono::seconds(2), .count = 300, .seed = 1});
  const auto in_ramp = std::count_if(t.begin(), t.end(), [](std::int64_t x) { return x < 2'000'000'000; });
  BOOST_TEST(std::abs(in_ramp - 100) <= 1);
  // Arrivals in the ramp's first second: a quarter of those in the ramp (∫ grows as t²).
  const auto first_second = std::count_if(t.begin(), t.end(), [](std::int64_t x) { return x < 1'000'000'000; });
  BOOST_TEST(std::abs(first_second - 25) <= 1);
  const auto gaps = GapsS(t);
  BOOST_TEST(gaps[10] > gaps[50]);  // the rate rises
  BOOST_TEST(std::abs(gaps.back() - 0.01) < 1e-6);
  BOOST_TEST(t.front() > 0);  // at rate 0 nothing is due at once
}

BOOST_AUTO_TEST_CASE(a_trace_keeps_its_spacing_scaled) {
  const auto t = llmbench::load::TraceSchedule({105.5, 100.0, 101.0}, 2.0);
  BOOST_TEST((t == std::vector<std::int64_t>{0, 500'000'000, 2'750'000'000}));
}

BOOST_AUTO_TEST_CASE(impossible_specs_are_refused) {
  BOOST_CHECK_THROW(MakeSchedule({.rate = 0, .count = 1}), std::invalid_argument);
  BOOST_CHECK_THROW(MakeSchedule({.rate = 1}), std::invalid_argument);
  BOOST_CHECK_THROW(llmbench::load::TraceSchedule({1.0}, 0), std::invalid_argument);
}
