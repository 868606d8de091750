// The SLO search's decisions as a pure function: against an engine whose SLO holds up to a known
// rate it converges to within the precision from below, in at most MaxProbes() probes, and it
// says when the answer is at an end of the range.
#include <boost/test/unit_test.hpp>

#include "pipeline/slo_search.hpp"

using llmbench::pipeline::RateSearch;
using llmbench::scenario::SloSearch;

namespace {

struct Found {
  double rate;
  int probes;
  std::string bound;
};

Found Search(const SloSearch& spec, double capacity) {
  RateSearch s(spec);
  int probes = 0;
  while (const auto rate = s.Next()) {
    ++probes;
    BOOST_TEST_REQUIRE(probes <= spec.MaxProbes());
    s.Record(*rate, *rate <= capacity);
  }
  return {s.Result(), probes, s.Bound()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(bisection_converges_from_below_within_the_precision) {
  const SloSearch spec{.min_rate = 0.5, .max_rate = 500, .precision = 0.02};
  for (const double capacity : {0.51, 1.0, 13.7, 44.4, 123.0, 499.0}) {
    const Found f = Search(spec, capacity);
    BOOST_TEST(f.rate <= capacity, capacity);
    BOOST_TEST(f.rate >= capacity / 1.02, capacity << " found " << f.rate);
    BOOST_TEST(f.bound.empty());
  }
  BOOST_TEST(spec.MaxProbes() == 2 + 9);  // ln(1000)/ln(1.02) = 349 steps: 9 halvings
}

BOOST_AUTO_TEST_CASE(the_ends_of_the_range_are_said_as_such) {
  const SloSearch spec{.min_rate = 1, .max_rate = 100, .precision = 0.05};
  Found f = Search(spec, 1000);
  BOOST_TEST(f.rate == 100);
  BOOST_TEST(f.probes == 1);
  BOOST_TEST(f.bound == "at least max_rate");
  f = Search(spec, 0.2);
  BOOST_TEST(f.rate == 0);
  BOOST_TEST(f.probes == 2);
  BOOST_TEST(f.bound == "below min_rate");
}
