// 429 back-off: Retry-After wins, else exponential from 500 ms, both capped at 30 s.
#include <boost/test/unit_test.hpp>

#include "load/load_generator.hpp"

using llmbench::load::BackoffNs;

BOOST_AUTO_TEST_CASE(retry_after_is_honoured_and_capped) {
  BOOST_TEST(BackoffNs(1, 100'000'000) == 100'000'000);
  BOOST_TEST(BackoffNs(5, 0) == 0);
  BOOST_TEST(BackoffNs(1, 3'600'000'000'000) == 30'000'000'000);
}

BOOST_AUTO_TEST_CASE(exponential_without_retry_after) {
  BOOST_TEST(BackoffNs(1, -1) == 500'000'000);
  BOOST_TEST(BackoffNs(2, -1) == 1'000'000'000);
  BOOST_TEST(BackoffNs(4, -1) == 4'000'000'000);
  BOOST_TEST(BackoffNs(7, -1) == 30'000'000'000);
  BOOST_TEST(BackoffNs(1000, -1) == 30'000'000'000);
}
