// The runner's noise: exact identity when off, reproducible with a seed, and the drift and
// neighbour statistics the settings promise (checked on many epochs, without a clock).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "sim/batching_model.hpp"
#include "sim/runner_noise.hpp"

using namespace llmbench;
using namespace std::chrono_literals;

namespace {

double Stddev(const std::vector<double>& v) {
  double mean = 0;
  for (const double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double ss = 0;
  for (const double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

scenario::SimSettings Noisy(std::uint64_t seed) {
  scenario::SimSettings s;
  s.run_drift = 0.1;
  s.drift = 0.05;
  s.neighbour_slowdown = 0.3;
  s.drift_seed = seed;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(runner_noise)

BOOST_AUTO_TEST_CASE(all_zero_settings_give_exactly_one) {
  const sim::RunnerNoise noise(scenario::SimSettings{});
  for (std::int64_t t = 0; t < 1'000'000'000'000; t += 7'654'321'001) BOOST_TEST(noise.Factor(Nanoseconds(t)) == 1.0);
  BOOST_TEST(noise.run_factor() == 1.0);
}

BOOST_AUTO_TEST_CASE(same_seed_gives_same_factors) {
  const sim::RunnerNoise a(Noisy(42)), b(Noisy(42)), other(Noisy(43));
  bool differs = false;
  for (std::int64_t t = 0; t < 600'000'000'000; t += 500'000'000) {
    BOOST_TEST_REQUIRE(a.Factor(Nanoseconds(t)) == b.Factor(Nanoseconds(t)));
    differs |= a.Factor(Nanoseconds(t)) != other.Factor(Nanoseconds(t));
  }
  BOOST_TEST(differs);
  // Any order: querying late first does not change an early epoch.
  const sim::RunnerNoise c(Noisy(42));
  const double late = c.Factor(1000s);
  BOOST_TEST(c.Factor(1s) == a.Factor(1s));
  BOOST_TEST(late == a.Factor(1000s));
}

BOOST_AUTO_TEST_CASE(drift_has_its_stddev_and_holds_within_an_epoch) {
  scenario::SimSettings s;
  s.drift = 0.05;
  s.drift_period = 2s;
  s.drift_seed = 7;
  const sim::RunnerNoise noise(s);
  std::vector<double> logs;
  for (std::int64_t k = 0; k < 2000; ++k) {
    const Nanoseconds start = k * s.drift_period;
    const double e = noise.EpochFactor(start);
    BOOST_TEST_REQUIRE(noise.EpochFactor(start + 1s) == e);
    BOOST_TEST_REQUIRE(noise.EpochFactor(start + s.drift_period - 1ns) == e);
    BOOST_TEST_REQUIRE(noise.Factor(start + 1s) == e);  // no run drift, no neighbour
    logs.push_back(std::log(e));
  }
  BOOST_TEST(Stddev(logs) == 0.05, boost::test_tools::tolerance(0.15));
  BOOST_TEST(logs[0] != logs[1]);
}

BOOST_AUTO_TEST_CASE(neighbour_is_on_half_the_windows_at_exactly_its_slowdown) {
  scenario::SimSettings s;
  s.neighbour_slowdown = 0.5;
  s.neighbour_period = 3s;
  s.drift_seed = 11;
  const sim::RunnerNoise noise(s);
  int on = 0;
  for (std::int64_t j = 0; j < 1000; ++j) {
    const Nanoseconds t = j * s.neighbour_period + 1500ms;
    const double f = noise.Factor(t);
    BOOST_TEST_REQUIRE((f == 1.5 || f == 1.0));
    BOOST_TEST_REQUIRE(noise.Factor(j * s.neighbour_period) == f);  // constant within the window
    on += noise.NeighbourOn(t);
  }
  BOOST_TEST(on >= 400);
  BOOST_TEST(on <= 600);
}

BOOST_AUTO_TEST_CASE(run_drift_differs_per_seed_with_its_stddev) {
  scenario::SimSettings s;
  s.run_drift = 0.08;
  s.drift_seed = 1;
  const double r1 = sim::RunnerNoise(s).run_factor();
  s.drift_seed = 2;
  BOOST_TEST(sim::RunnerNoise(s).run_factor() != r1);
  std::vector<double> logs;
  for (std::uint64_t seed = 1; seed <= 500; ++seed) {
    s.drift_seed = seed;
    const sim::RunnerNoise noise(s);
    BOOST_TEST_REQUIRE(noise.Factor(0s) == noise.Factor(1h));  // once per start, not per epoch
    logs.push_back(std::log(noise.run_factor()));
  }
  BOOST_TEST(Stddev(logs) == 0.08, boost::test_tools::tolerance(0.15));
}

BOOST_AUTO_TEST_CASE(seed_zero_draws_a_fresh_seed_per_instance) {
  const sim::RunnerNoise a(Noisy(0)), b(Noisy(0));
  BOOST_TEST(a.seed() != b.seed());
  BOOST_TEST(a.run_factor() != b.run_factor());
}

BOOST_AUTO_TEST_CASE(step_time_applies_the_factor) {
  scenario::SimSettings s = Noisy(5);
  s.decode_step = 10ms;
  s.decode_per_seq = 100us;
  s.prefill_base = 20ms;
  s.prefill_per_token = 0ns;
  const sim::BatchingModel model(s);
  std::mt19937_64 rng(1);
  for (const Nanoseconds t : {0s, 5s, 17s, 3600s}) {
    const double f = model.noise().Factor(t);
    BOOST_TEST_REQUIRE(f != 1.0);
    BOOST_TEST(model.StepTime(3, t, rng).count() == std::llround(10.2e6 * f));
    BOOST_TEST(model.PrefillTime(100, t, rng).count() == std::llround(20e6 * f));
  }
}

BOOST_AUTO_TEST_SUITE_END()
