// The plan: which runs in which order, their prompt seeds, and a sweep's rates between its ends.
#include <boost/test/unit_test.hpp>

#include <set>

#include "pipeline/plan.hpp"

using namespace llmbench;
using namespace llmbench::pipeline;
using scenario::Level;

namespace {

scenario::Case SweepCase() {
  scenario::Case c;
  c.id = "s/sim/a";
  c.prompt_seed = 42;
  c.load.concurrency.clear();
  c.load.requests = 10;
  c.load.warmup = 0;
  c.load.repetitions = 2;
  c.load.arrival = "constant";
  c.load.sweep = scenario::Sweep{.points = 3, .concurrency = 0};
  return c;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_sweep_runs_both_ends_before_the_points_between_in_every_repetition) {
  const auto plan = PlanAttempt(SweepCase(), 1, 7);
  BOOST_TEST_REQUIRE(plan.size() == 10u);  // 5 points × 2 repetitions, interleaved
  const std::vector<std::int32_t> points{0, 4, 1, 2, 3, 0, 4, 1, 2, 3};
  for (std::size_t i = 0; i < plan.size(); ++i) {
    BOOST_TEST(plan[i].load_level.sweep());
    BOOST_TEST(plan[i].load_level.point == points[i]);
    BOOST_TEST(plan[i].repetition == (i < 5 ? 1 : 2));
  }
  BOOST_TEST(plan[0].load_level.concurrency == 1);   // synchronous
  BOOST_TEST(plan[1].load_level.concurrency == 10);  // throughput: every measured request at once
  BOOST_TEST(plan[2].load_level.open());
  // Each point has its own prompts, the same in every repetition; every run its own preambles.
  std::set<std::uint64_t> seeds, nonces;
  for (const auto& r : plan) {
    seeds.insert(r.prompt_seed);
    nonces.insert(r.nonce);
  }
  BOOST_TEST(seeds.size() == 5u);
  BOOST_TEST(nonces.size() == 10u);
  // A point's seed is its index's, whatever rate it runs at.
  BOOST_TEST(LevelSeed(42, Level::SweepPoint(2, 0)) == LevelSeed(42, Level::SweepPoint(2, 0).WithRate(3.3)));
  BOOST_TEST(LevelSeed(42, Level::SweepPoint(0, 1)) != LevelSeed(42, Level::Closed(1)));
}

BOOST_AUTO_TEST_CASE(a_sweeps_rates_are_evenly_between_its_ends_which_it_excludes) {
  const auto r = SweepRates(2, 12, 4);
  BOOST_TEST_REQUIRE(r.size() == 4u);
  BOOST_TEST(r[0] == 4.0);
  BOOST_TEST(r[1] == 6.0);
  BOOST_TEST(r[2] == 8.0);
  BOOST_TEST(r[3] == 10.0);
  // An engine that does not batch: every point at its one-at-a-time rate.
  for (const double x : SweepRates(5, 5, 3)) BOOST_TEST(x == 5.0);
}

BOOST_AUTO_TEST_CASE(a_sweep_points_schedule_is_its_rate_once_known) {
  const scenario::Case c = SweepCase();
  PlannedRun run = PlanAttempt(c, 1, 7)[2];
  BOOST_CHECK_THROW(SendSchedule(c, run), std::logic_error);  // its rate is not known yet
  run.load_level = run.load_level.WithRate(5);
  const auto s = SendSchedule(c, run);
  BOOST_TEST_REQUIRE(s.size() == 10u);
  BOOST_TEST(s[1] - s[0] == 200'000'000);                        // constant arrivals at 5 req/s: 200 ms apart
  BOOST_TEST(SendSchedule(c, PlanAttempt(c, 1, 7)[0]).empty());  // the synchronous end is a closed loop
}
