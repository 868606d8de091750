// The regression rule on synthetic samples: unchanged passes, real shifts are caught, too few
// samples are insufficient, and noise widens the interval.
#include <boost/test/unit_test.hpp>

#include <random>

#include "gate/compare.hpp"
#include "gate/thresholds.hpp"
#include "gate/verdict.hpp"

using namespace llmbench;
using namespace llmbench::gate;

namespace {

// Lognormal latencies (≈30 % spread, as GATING.md simulated), median `median`.
std::vector<double> Latencies(double median, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(median), 0.3);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = d(rng);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(unchanged_server_is_unchanged) {
  const auto c = CompareQuantile("tpot", 0.5, Latencies(20, 200, 1), Latencies(20, 200, 2), 0.05, 0.02, true);
  BOOST_TEST((c.verdict == Change::Unchanged || c.verdict == Change::Warn), ToString(c.verdict));
  BOOST_TEST(c.ci_low < 0.0);
  BOOST_TEST(c.ci_high > 0.0);
}

BOOST_AUTO_TEST_CASE(twenty_percent_slower_is_regressed_and_faster_is_improved) {
  const auto slow = CompareQuantile("tpot", 0.5, Latencies(20, 200, 1), Latencies(24, 200, 2), 0.05, 0.02, true);
  BOOST_TEST((slow.verdict == Change::Regressed), ToString(slow.verdict));
  BOOST_TEST(slow.change == 0.2, boost::test_tools::tolerance(0.25));  // a sample median of 200
  BOOST_TEST(slow.ci_low > 0.05);
  const auto fast = CompareQuantile("tpot", 0.5, Latencies(20, 200, 1), Latencies(16, 200, 2), 0.05, 0.02, true);
  BOOST_TEST((fast.verdict == Change::Improved), ToString(fast.verdict));
}

BOOST_AUTO_TEST_CASE(small_significant_change_is_only_a_warning) {
  // 3 % slower with huge samples: significant, but inside the 5 % tolerance.
  const auto c = CompareQuantile("ttft", 0.5, Latencies(100, 4000, 5), Latencies(103, 4000, 6), 0.05, 0.0, true);
  BOOST_TEST((c.verdict == Change::Warn), ToString(c.verdict));
}

BOOST_AUTO_TEST_CASE(run_to_run_noise_protects_against_false_alarms) {
  // A 12 % shift is "significant" on samples alone but within 1.96·√2·σ_run for σ_run = 5 %.
  const auto strict = CompareQuantile("ttft", 0.5, Latencies(100, 2000, 7), Latencies(112, 2000, 8), 0.05, 0.0, true);
  const auto noisy = CompareQuantile("ttft", 0.5, Latencies(100, 2000, 7), Latencies(112, 2000, 8), 0.05, 0.05, true);
  BOOST_TEST((strict.verdict == Change::Regressed));
  BOOST_TEST((noisy.verdict == Change::Warn));
  BOOST_TEST(noisy.mde > strict.mde);
}

BOOST_AUTO_TEST_CASE(too_few_samples_are_insufficient_never_failing) {
  auto c = CompareQuantile("ttft", 0.95, Latencies(20, 59, 1), Latencies(40, 200, 2), 0.1, 0.02, true);
  BOOST_TEST((c.verdict == Change::Insufficient));
  BOOST_TEST(c.note.find("p95 needs 60 samples per side (baseline 59, run 200)") == 0u);
  c = CompareQuantile("ttft", 0.5, {}, {}, 0.05, 0.02, true);
  BOOST_TEST((c.verdict == Change::Insufficient));
  BOOST_TEST(MinSamples(0.99) == 300u);
}

BOOST_AUTO_TEST_CASE(bootstrap_is_reproducible) {
  const auto a = CompareQuantile("e2e", 0.95, Latencies(50, 300, 3), Latencies(52, 300, 4), 0.1, 0.05, true);
  const auto b = CompareQuantile("e2e", 0.95, Latencies(50, 300, 3), Latencies(52, 300, 4), 0.1, 0.05, true);
  BOOST_TEST(a.ci_low == b.ci_low);
  BOOST_TEST(a.mde == b.mde);
}

BOOST_AUTO_TEST_CASE(throughput_needs_tolerance_and_three_sigma) {
  BOOST_TEST((CompareScalar("output_throughput", 1000, 800, 0.05, 0.05, false).verdict == Change::Regressed));
  BOOST_TEST((CompareScalar("output_throughput", 1000, 900, 0.05, 0.05, false).verdict == Change::Warn));
  BOOST_TEST((CompareScalar("output_throughput", 1000, 990, 0.05, 0.05, false).verdict == Change::Unchanged));
  BOOST_TEST((CompareScalar("output_throughput", 1000, 1300, 0.05, 0.05, false).verdict == Change::Improved));
}

BOOST_AUTO_TEST_CASE(error_rate_rule) {
  BOOST_TEST((CompareErrorRate(0, 200, 20, 200, 0.01).verdict == Change::Regressed));
  BOOST_TEST((CompareErrorRate(0, 200, 1, 200, 0.01).verdict == Change::Unchanged));
  BOOST_TEST((CompareErrorRate(0, 0, 1, 200, 0.01).verdict == Change::Insufficient));
}

BOOST_AUTO_TEST_CASE(thresholds_report_measured_values_and_fail_without_samples) {
  metrics::Summary s;
  s.concurrency = 4;
  s.level["output_throughput"] = 950;
  s.distributions.push_back({"ttft", metrics::Stats{10, 1, 1, 1, 1, 120, 130, 140, 150}});
  scenario::ThresholdError error;
  std::vector<scenario::ThresholdSpec> rules;
  for (const char* text : {"ttft.p95 < 500ms", "output_throughput > 1000 tok/s", "server_total.p50 < 1s"}) {
    rules.push_back({text, *scenario::ParseThreshold(text, error), {}, 0, 0});
  }
  rules.push_back({"ttft.p50 < 1ms", *scenario::ParseThreshold("ttft.p50 < 1ms", error), {8}, 0, 0});
  const auto results = EvaluateThresholds(rules, {s});
  BOOST_TEST_REQUIRE(results.size() == 3u);  // the last rule applies only to concurrency 8
  BOOST_TEST(results[0].passed);
  BOOST_TEST(results[0].measured == 140.0);
  BOOST_TEST(!results[1].passed);
  BOOST_TEST(results[1].measured == 950.0);
  BOOST_TEST(!results[2].passed);  // no server timings: cannot be checked, so it fails
}

BOOST_AUTO_TEST_CASE(verdict_outcomes) {
  CaseData base, run;
  base.fingerprint = run.fingerprint = {"s", "e", "h", "0.1"};
  LevelData b, r;
  b.summary.concurrency = r.summary.concurrency = 1;
  b.summary.requests = r.summary.requests = b.summary.succeeded = r.summary.succeeded = 200;
  b.samples["tpot"] = Latencies(20, 200, 1);
  r.samples["tpot"] = Latencies(26, 200, 2);
  base.levels.push_back(b);
  run.levels.push_back(r);
  auto v = Judge("s/e/c", "passed", "", {}, &run, &base, "baselines/s/e/c.json", {});
  BOOST_TEST((v.outcome == Outcome::Failed));
  BOOST_TEST_REQUIRE(!v.reasons.empty());
  BOOST_TEST(v.reasons[0].find("tpot.p50 at concurrency 1 regressed +") == 0u, v.reasons[0]);
  v = Judge("s/e/c", "passed", "", {}, &run, &base, "baselines/s/e/c.json",
            {.strict = false, .accept_regressions = true});
  BOOST_TEST((v.outcome == Outcome::Passed));
  BOOST_TEST(v.acknowledged);
  v = Judge("s/e/c", "passed", "", {}, &run, nullptr, "baselines/s/e/c.json", {});
  BOOST_TEST((v.outcome == Outcome::Passed));
  BOOST_TEST(v.baseline_state == "missing");
  v = Judge("s/e/c", "passed", "", {}, &run, nullptr, "baselines/s/e/c.json",
            {.strict = true, .accept_regressions = false});
  BOOST_TEST((v.outcome == Outcome::Failed));
  base.fingerprint.hardware = "other";
  v = Judge("s/e/c", "passed", "", {}, &run, &base, "baselines/s/e/c.json", {});
  BOOST_TEST((v.outcome == Outcome::Passed));
  BOOST_TEST(v.baseline_state == "mismatch");
  BOOST_TEST(v.baseline_detail.find("hardware") == 0u);
  v = Judge("s/e/c", "skipped", "engine unreachable", {}, nullptr, nullptr, "", {});
  BOOST_TEST((v.outcome == Outcome::Skipped));
  v = Judge("s/e/c", "failed", "no request succeeded", {}, &run, nullptr, "", {});
  BOOST_TEST((v.outcome == Outcome::Error));
}
