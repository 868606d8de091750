// Statistics against hand-computed values, and the edge cases: empty and one-sample levels.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "metrics/statistics.hpp"

using namespace llmbench::metrics;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_CASE(percentiles_interpolate_between_closest_ranks) {
  // 1..10: h = 9q. p50: h=4.5 → 5 + 0.5·1 = 5.5; p90: h=8.1 → 9.1; p95: h=8.55 → 9.55; p99: 9.91.
  std::vector<double> v{7, 1, 10, 3, 5, 2, 9, 4, 8, 6};
  const Stats s = Describe(v);
  BOOST_TEST(s.count == 10);
  BOOST_TEST(s.p50 == 5.5, tt::tolerance(1e-12));
  BOOST_TEST(s.p90 == 9.1, tt::tolerance(1e-12));
  BOOST_TEST(s.p95 == 9.55, tt::tolerance(1e-12));
  BOOST_TEST(s.p99 == 9.91, tt::tolerance(1e-12));
  BOOST_TEST(s.min == 1);
  BOOST_TEST(s.max == 10);
  BOOST_TEST(s.mean == 5.5, tt::tolerance(1e-12));
  // Sample stddev of 1..10: sqrt(82.5/9) = 3.0276503540974917.
  BOOST_TEST(s.stddev == 3.0276503540974917, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(two_samples) {
  const Stats s = Describe({10, 20});
  BOOST_TEST(s.p50 == 15.0);
  BOOST_TEST(s.p90 == 19.0, tt::tolerance(1e-12));
  BOOST_TEST(s.stddev == std::sqrt(50.0), tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(empty_level_is_all_nan) {
  const Stats s = Describe({});
  BOOST_TEST(s.count == 0);
  BOOST_TEST(std::isnan(s.mean));
  BOOST_TEST(std::isnan(s.p99));
  BOOST_TEST(std::isnan(Percentile({}, 0.5)));
}

BOOST_AUTO_TEST_CASE(one_sample_level) {
  const Stats s = Describe({42});
  BOOST_TEST(s.count == 1);
  BOOST_TEST(s.stddev == 0.0);
  BOOST_TEST(s.p50 == 42.0);
  BOOST_TEST(s.p99 == 42.0);
}

BOOST_AUTO_TEST_CASE(stddev_keeps_precision_with_large_offsets) {
  // Nanosecond stamps around 1e15: a naive sum of squares would lose every digit.
  const Stats s = Describe({1e15 + 1, 1e15 + 2, 1e15 + 3});
  BOOST_TEST(s.stddev == 1.0, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(percentile_clamps_q) {
  const std::vector<double> sorted{1, 2, 3};
  BOOST_TEST(Percentile(sorted, -1) == 1.0);
  BOOST_TEST(Percentile(sorted, 2) == 3.0);
}
