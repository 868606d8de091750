// SampleStore: exact like Describe while small, within its relative error once bucketed, and
// the same whether samples arrive at once or in merged parts.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "metrics/sample_store.hpp"
#include "metrics/tally.hpp"

using namespace llmbench;
using metrics::SampleStore;

namespace {

// A lognormal latency sample (ms), the shape TTFT and ITL have.
std::vector<double> Latencies(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(25.0), 0.6);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

void CheckWithin(const metrics::Stats& approx, const metrics::Stats& exact, double rel) {
  BOOST_TEST(approx.count == exact.count);
  BOOST_TEST(approx.min == exact.min);
  BOOST_TEST(approx.max == exact.max);
  BOOST_TEST(std::abs(approx.mean - exact.mean) <= 1e-9 * std::abs(exact.mean));
  BOOST_TEST(std::abs(approx.stddev - exact.stddev) <= 1e-6 * exact.stddev);
  for (const auto& [a, e] : {std::pair{approx.p50, exact.p50}, std::pair{approx.p90, exact.p90},
                             std::pair{approx.p95, exact.p95}, std::pair{approx.p99, exact.p99}}) {
    BOOST_TEST(std::abs(a - e) <= rel * std::abs(e) + 1e-12, a << " vs exact " << e);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_small_sample_is_described_exactly) {
  const auto v = Latencies(1000, 1);
  SampleStore s;
  for (const double x : v) s.Add(x);
  const auto got = s.Describe();
  const auto want = metrics::Describe(v);
  BOOST_TEST(!s.bucketed());
  BOOST_TEST(got.rel_error == 0.0);
  BOOST_TEST(got.p50 == want.p50);
  BOOST_TEST(got.p99 == want.p99);
  BOOST_TEST(got.stddev == want.stddev);
  BOOST_TEST(std::isnan(SampleStore{}.Describe().p50));  // empty: NaN, as Describe
  BOOST_TEST(SampleStore{}.Describe().count == 0);
}

BOOST_AUTO_TEST_CASE(a_large_sample_is_bucketed_within_the_stated_error) {
  const auto v = Latencies(200'000, 2);
  SampleStore s;
  for (const double x : v) s.Add(x);
  BOOST_TEST(s.bucketed());
  const auto got = s.Describe();
  BOOST_TEST(got.rel_error == SampleStore::kRelativeError);
  CheckWithin(got, metrics::Describe(v), SampleStore::kRelativeError);
}

BOOST_AUTO_TEST_CASE(merged_parts_describe_like_the_whole) {
  const auto v = Latencies(100'000, 3);
  SampleStore whole, a, b, c;
  for (std::size_t i = 0; i < v.size(); ++i) {
    whole.Add(v[i]);
    (i < 10'000 ? a : i < 20'000 ? b : c).Add(v[i]);
  }
  a.Merge(b);  // two exact parts stay exact
  BOOST_TEST(!a.bucketed());
  BOOST_TEST(a.Describe().p50 == metrics::Describe(std::vector<double>(v.begin(), v.begin() + 20'000)).p50);
  a.Merge(c);  // an exact part and a bucketed one
  BOOST_TEST(a.bucketed());
  const auto exact = metrics::Describe(v);
  CheckWithin(a.Describe(), exact, SampleStore::kRelativeError);
  CheckWithin(whole.Describe(), exact, SampleStore::kRelativeError);
  SampleStore empty;
  empty.Merge(a);
  BOOST_TEST(empty.Describe().p95 == a.Describe().p95);
  a.Merge(SampleStore{});
  BOOST_TEST(a.count() == 100'000);
}

BOOST_AUTO_TEST_CASE(hostile_values_neither_crash_nor_poison_the_statistics) {
  SampleStore s;
  for (const double x : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity()}) {
    s.Add(x);  // "does not apply": left out
  }
  BOOST_TEST(s.count() == 0);
  // Negative, zero, tiny, huge: all counted, in order, within the error once bucketed.
  std::vector<double> v;
  for (int i = 0; i < 40'000; ++i) {
    const double x = i % 5 == 0 ? -1.5 * (i + 1) : i % 5 <= 2 ? 0.0 : i % 5 == 3 ? 1e-300 : 1e300;
    v.push_back(x);
    s.Add(x);
  }
  BOOST_TEST(s.bucketed());
  const auto got = s.Describe();
  const auto want = metrics::Describe(v);
  BOOST_TEST(got.count == want.count);
  BOOST_TEST(got.min == want.min);
  BOOST_TEST(got.max == want.max);
  BOOST_TEST(got.p50 <= got.p90);
  BOOST_TEST(got.p90 <= got.p95);
  BOOST_TEST(got.p95 <= got.p99);
  BOOST_TEST(got.p50 == 0.0);  // the median is a zero: zeros are exact
  BOOST_TEST(std::abs(got.p99 - want.p99) <= SampleStore::kRelativeError * std::abs(want.p99));
  // Denormals: counted and ordered, no crash.
  SampleStore tiny;
  for (int i = 0; i < 40'000; ++i) tiny.Add(i % 2 ? std::numeric_limits<double>::denorm_min() : 1.0);
  BOOST_TEST(tiny.Describe().count == 40'000);
  BOOST_TEST(std::abs(tiny.Describe().p99 - 1.0) <= SampleStore::kRelativeError + 1e-12, tiny.Describe().p99);
  BOOST_TEST(tiny.Describe().min == std::numeric_limits<double>::denorm_min());
  // One value many times: every percentile is it.
  SampleStore same;
  for (int i = 0; i < 50'000; ++i) same.Add(-7.25);
  BOOST_TEST(same.Describe().p50 == -7.25);
  BOOST_TEST(same.Describe().stddev == 0.0);
}

BOOST_AUTO_TEST_CASE(a_tally_keeps_no_record_and_merges_counts_and_samples) {
  metrics::LevelTally a, b;
  for (int i = 0; i < 3; ++i) {
    load::Record r;
    r.start_ns = 1'000'000;
    r.chunk_ns = {11'000'000, 21'000'000};
    r.done_ns = 22'000'000;
    r.completion_tokens = 2;
    (i < 2 ? a : b).Add(r);
  }
  load::Record failed;
  failed.error = load::ErrorKind::Timeout;
  failed.error_message = "timed out";
  b.Add(failed);
  a.Merge(b);
  BOOST_TEST(a.requests == 4);
  BOOST_TEST(a.succeeded == 3);
  BOOST_TEST(a.errors.at("timeout") == 1);
  BOOST_TEST(a.Samples("ttft").count() == 3);
  BOOST_TEST(a.Samples("itl").count() == 3);
  BOOST_TEST(a.Samples("nothing").count() == 0);
  BOOST_TEST(a.first_error() == "timeout: timed out");
  BOOST_TEST(a.output_tokens_received == 6.0);
}
