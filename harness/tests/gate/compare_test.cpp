// The regression rule on synthetic runs, with hostile inputs: zero variance, one run, identical
// runs, an outlier run, heavy tails, too few samples for a percentile, a noisier run, busy runs,
// and the confirming re-measurement.
#include <boost/algorithm/string/join.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

#include "gate/baseline.hpp"
#include "gate/case_data.hpp"
#include "gate/compare.hpp"
#include "gate/json_codec.hpp"
#include "gate/thresholds.hpp"
#include "gate/verdict.hpp"

using namespace llmbench;
using namespace llmbench::gate;

namespace {

// Per-run values around `median` with run-to-run spread `sigma` (stddev of ln).
std::vector<double> RunValues(double median, double sigma, int k, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::vector<double> v(static_cast<std::size_t>(k));
  for (auto& x : v) x = median * std::exp(sigma * z(rng));
  return v;
}

// A case whose runs carry `values` for every gated key, scaled by `factor` for "tpot.p50".
CaseData MakeCase(const std::vector<double>& tpot, std::int64_t concurrency = 1) {
  CaseData c;
  c.case_id = "s/e/c";
  c.fingerprint = {"s", "e", "h", "0.1", ""};
  int rep = 0;
  for (const double t : tpot) {
    RunData r;
    r.load_level = scenario::Level::Closed(concurrency);
    r.repetition = ++rep;
    r.requests = 64;
    r.values = {
        {"ttft.p50", 20.0}, {"ttft.p95", 25.0}, {"tpot.p50", t}, {"e2e.p50", 100.0}, {"output_throughput", 1000.0 / t}};
    c.runs.push_back(r);
  }
  return c;
}

const Comparison& Find(const std::vector<Comparison>& cs, const std::string& metric, const std::string& stat = "") {
  for (const auto& c : cs) {
    if (c.metric == metric && c.statistic == stat) return c;
  }
  throw std::runtime_error("no comparison " + metric);
}

CaseVerdict JudgeOf(const CaseData& run, const CaseData* base, GateOptions options = {}) {
  JudgeInput in;
  in.case_id = "s/e/c";
  in.run_status = "passed";
  in.run = &run;
  in.baseline = base;
  in.baseline_path = "baselines/s/e/c.json";
  in.options = options;
  return Judge(in);
}

}  // namespace

BOOST_AUTO_TEST_CASE(unchanged_runs_rarely_fail_and_a_ten_percent_shift_is_caught) {
  int false_alarms = 0, caught = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const auto base = MakeCase(RunValues(1.0, 0.02, 9, seed));
    if (JudgeOf(MakeCase(RunValues(1.0, 0.02, 3, seed + 1000)), &base).outcome == Outcome::Failed) ++false_alarms;
    if (JudgeOf(MakeCase(RunValues(1.1, 0.02, 3, seed + 2000)), &base).outcome == Outcome::Failed) ++caught;
  }
  BOOST_TEST_MESSAGE("false alarms " << false_alarms << "/400, caught " << caught << "/400");
  BOOST_TEST(false_alarms <= 4);  // ≤ 1 %
  BOOST_TEST(caught >= 380);      // ≥ 95 %
}

BOOST_AUTO_TEST_CASE(zero_variance_gives_finite_numbers_and_sharp_verdicts) {
  const auto base = MakeCase({1.0, 1.0, 1.0});
  auto cs = CompareCases(base, MakeCase({1.0, 1.0, 1.0}));
  const auto& same = Find(cs, "tpot", "p50");
  BOOST_TEST((same.verdict == Change::Unchanged));
  BOOST_TEST(std::isfinite(same.mde));
  BOOST_TEST(same.sigma == kMinSigma);
  cs = CompareCases(base, MakeCase({1.1, 1.1, 1.1}));
  BOOST_TEST((Find(cs, "tpot", "p50").verdict == Change::Regressed));
  BOOST_TEST((Find(cs, "output_throughput").verdict == Change::Regressed));
  cs = CompareCases(base, MakeCase({0.9, 0.9, 0.9}));
  BOOST_TEST((Find(cs, "tpot", "p50").verdict == Change::Improved));
  BOOST_TEST((Find(cs, "output_throughput").verdict == Change::Improved));
}

BOOST_AUTO_TEST_CASE(one_run_is_insufficient_unless_the_other_side_measures_the_noise) {
  auto cs = CompareCases(MakeCase({1.0}), MakeCase({1.2}));
  BOOST_TEST((Find(cs, "tpot", "p50").verdict == Change::Insufficient));
  BOOST_TEST(!Find(cs, "tpot", "p50").note.empty());
  const auto base = MakeCase(RunValues(1.0, 0.02, 9, 7));
  cs = CompareCases(base, MakeCase({1.2}));
  BOOST_TEST((Find(cs, "tpot", "p50").verdict == Change::Regressed));
  BOOST_TEST(Find(cs, "tpot", "p50").dof == 8.0);
}

BOOST_AUTO_TEST_CASE(an_outlier_blessing_run_is_rejected_and_does_not_blind_the_gate) {
  auto values = RunValues(1.0, 0.02, 9, 3);
  values[4] = 1.6;  // one disturbed blessing run
  const CaseData blessed = BuildBaseline({MakeCase(values)});
  int rejected = 0;
  for (const auto& r : blessed.runs) rejected += !r.rejected.empty();
  BOOST_TEST(rejected == 1);
  BOOST_TEST(blessed.runs[4].rejected.find("outlier: tpot.p50") == 0u, blessed.runs[4].rejected);
  // Without the rejection its spread would hide +10 %.
  const auto cs = CompareCases(blessed, MakeCase(RunValues(1.1, 0.02, 3, 11)));
  BOOST_TEST((Find(cs, "tpot", "p50").verdict == Change::Regressed));
  // All runs identical: nothing to reject (MAD = 0 must not reject everything).
  const CaseData flat = BuildBaseline({MakeCase({1, 1, 1, 1, 1, 1})});
  for (const auto& r : flat.runs) BOOST_TEST(r.rejected.empty());
}

BOOST_AUTO_TEST_CASE(heavy_tails_and_large_noise_are_inconclusive_not_pass_or_fail) {
  // σ_run 0.10 between runs with 3 vs 3 runs cannot resolve ±5 %.
  const auto base = MakeCase({1.0, 1.12, 0.9});
  const auto v = JudgeOf(MakeCase({1.06, 0.95, 1.18}), &base);
  BOOST_TEST((v.outcome == Outcome::Inconclusive));
  BOOST_TEST_REQUIRE(!v.reasons.empty());
  BOOST_TEST(v.reasons[0].find("tpot.p50 at concurrency 1: cannot resolve ±5%") == 0u, v.reasons[0]);
  // …but a clearly better result is not inconclusive: its interval rules out a regression.
  const auto better = JudgeOf(MakeCase({0.7, 0.72, 0.69}), &base);
  BOOST_TEST((Find(better.comparisons, "tpot", "p50").verdict == Change::Improved));
}

BOOST_AUTO_TEST_CASE(a_noisier_run_than_its_baseline_uses_welch) {
  const auto base = MakeCase(RunValues(1.0, 0.01, 9, 5));
  const auto cs = CompareCases(base, MakeCase({0.9, 1.2, 1.0}));
  BOOST_TEST(Find(cs, "tpot", "p50").method == "Welch t");
  BOOST_TEST(Find(cs, "tpot", "p50").dof < 3.0);
  BOOST_TEST((Find(cs, "tpot", "p50").verdict == Change::Inconclusive));
}

BOOST_AUTO_TEST_CASE(fewer_samples_than_a_percentile_needs_is_said_not_gated) {
  metrics::LevelTally tally;
  for (std::int64_t i = 0; i < 24; ++i) {
    load::Record record;
    record.chunk_ns = {10'000'000 + i * 1000, 20'000'000};
    record.done_ns = 20'000'000;
    record.completion_tokens = 2;
    tally.Add(record);
  }
  load::LevelOutcome outcome;
  outcome.load_level = scenario::Level::Closed(1);
  const RunData r = MakeRunData(metrics::Summarize(outcome, tally, {}));
  BOOST_TEST(r.values.count("ttft.p50") == 1u);
  BOOST_TEST(r.values.count("ttft.p95") == 0u);
  CaseData run = MakeCase({1, 1, 1}), base = MakeCase({1, 1, 1});
  for (auto& x : run.runs) {
    x.values.erase("ttft.p95");
    x.samples["ttft.p95"] = 24;
  }
  const auto v = JudgeOf(run, &base);
  BOOST_TEST((v.outcome == Outcome::Passed));
  BOOST_TEST_REQUIRE(!v.notes.empty());
  BOOST_TEST(v.notes[0].find("not gated: ttft.p95 at concurrency 1: p95 needs 60 successful requests per run, a run "
                             "had 24") == 0u,
             v.notes[0]);
}

BOOST_AUTO_TEST_CASE(mde_is_taken_at_the_tests_own_level_and_in_the_worse_direction) {
  // +7 % with a noise that 2.5 % one-sided would resolve but the case's Bonferroni level would
  // not: never a silent warn-and-pass, but inconclusive (or regressed).
  const auto base = MakeCase({1.0, 1.03, 0.97, 1.0, 1.02, 0.98, 1.01, 0.99, 1.0});
  const auto v = JudgeOf(MakeCase({1.07, 1.10, 1.04}), &base);
  const auto& tpot = Find(v.comparisons, "tpot", "p50");
  BOOST_TEST((tpot.verdict == Change::Regressed || tpot.verdict == Change::Inconclusive), ToString(tpot.verdict));
  BOOST_TEST(tpot.alpha < 0.025);
  // Throughput is worse when it drops: its MDE is a drop, 1 − e^{−t·SE}, smaller than the rise.
  const auto& thr = Find(v.comparisons, "output_throughput");
  BOOST_TEST(thr.mde > 0);
  BOOST_TEST(thr.mde < tpot.mde + 1e-12);
}

BOOST_AUTO_TEST_CASE(drift_between_blessing_sessions_widens_the_interval) {
  // Three sessions, each a steady 3 runs, but the sessions sit 6 % apart: a new session can sit
  // anywhere in that spread, which its own 3 repetitions do not average away.
  CaseData base = MakeCase({1.0, 1.002, 0.998, 1.06, 1.062, 1.058, 0.94, 0.942, 0.938});
  for (std::size_t i = 0; i < base.runs.size(); ++i) base.runs[i].session = "s" + std::to_string(i / 3);
  const auto cs = CompareCases(base, MakeCase({1.07, 1.072, 1.068}));
  const auto& tpot = Find(cs, "tpot", "p50");
  BOOST_TEST(tpot.sigma_between > 0.04);
  BOOST_TEST(tpot.method.find(" + sessions") != std::string::npos, tpot.method);
  BOOST_TEST((tpot.verdict == Change::Inconclusive), ToString(tpot.verdict));
  // The same values as one session: the offsets look like run noise only, and +7 % is caught.
  for (auto& r : base.runs) r.session = "one";
  BOOST_TEST((Find(CompareCases(base, MakeCase({1.12, 1.122, 1.118})), "tpot", "p50").verdict == Change::Regressed));
}

BOOST_AUTO_TEST_CASE(holm_steps_down) {
  const auto r = Holm({0.03, 0.001, 0.04, 0.01}, 0.05);
  BOOST_TEST(!r[0]);
  BOOST_TEST(r[1]);
  BOOST_TEST(!r[2]);
  BOOST_TEST(r[3]);
  BOOST_TEST(Holm({}, 0.05).empty());
}

BOOST_AUTO_TEST_CASE(warn_only_in_the_worse_direction) {
  const auto base = MakeCase(RunValues(1.0, 0.02, 9, 21));
  for (std::uint64_t seed = 1; seed < 50; ++seed) {
    const auto cs = CompareCases(base, MakeCase(RunValues(0.97, 0.02, 3, seed)));
    BOOST_TEST((Find(cs, "tpot", "p50").verdict != Change::Warn));
  }
}

BOOST_AUTO_TEST_CASE(busy_runs_are_left_out_and_cannot_fail_a_case) {
  const auto base = MakeCase(RunValues(1.0, 0.02, 9, 31));
  CaseData run = MakeCase({1.0, 1.01, 1.4});
  run.runs[2].host.busy = true;
  run.runs[2].host.why = "the harness waited for a CPU 30.0% of the time (limit 5.0%)";
  auto v = JudgeOf(run, &base);
  BOOST_TEST((v.outcome == Outcome::Passed));
  BOOST_TEST(Find(v.comparisons, "tpot", "p50").busy_excluded == 1u);
  v = JudgeOf(MakeCase({1.3, 1.31, 1.29}), &base);
  BOOST_TEST((v.outcome == Outcome::Failed));  // the same runs, clean: a regression
  CaseData busy = MakeCase({1.3, 1.31, 1.29});
  for (auto& r : busy.runs) r.host.busy = true;
  v = JudgeOf(busy, &base);
  BOOST_TEST((v.outcome == Outcome::Inconclusive));
  BOOST_TEST(NeedsConfirmation(v));
}

BOOST_AUTO_TEST_CASE(a_regression_fails_only_when_the_re_measurement_repeats_it) {
  const auto base = MakeCase(RunValues(1.0, 0.02, 9, 41));
  const auto first = JudgeOf(MakeCase({1.2, 1.21, 1.19}), &base);
  BOOST_TEST_REQUIRE((first.outcome == Outcome::Failed));
  BOOST_TEST(NeedsConfirmation(first));
  auto again = Confirm(first, JudgeOf(MakeCase({1.2, 1.22, 1.18}), &base));
  BOOST_TEST((again.outcome == Outcome::Failed));
  BOOST_TEST(again.earlier.size() == 1u);
  auto gone = Confirm(first, JudgeOf(MakeCase({1.0, 1.01, 0.99}), &base));
  BOOST_TEST((gone.outcome == Outcome::Passed));
  BOOST_TEST_REQUIRE(!gone.notes.empty());
  BOOST_TEST(gone.notes[0].find("attempt 1 (failed), not confirmed") == 0u, gone.notes[0]);
  // A regression elsewhere on the second attempt is not a confirmation.
  CaseData other = MakeCase({1.0, 1.0, 1.0});
  for (auto& r : other.runs) r.values["ttft.p50"] = 30.0;
  auto different = Confirm(first, JudgeOf(other, &base));
  BOOST_TEST((different.outcome == Outcome::Inconclusive));
  // A busy first attempt (inconclusive) and a clean second one that regresses: a failure.
  CaseData busy = MakeCase({1.2, 1.21, 1.19});
  for (auto& r : busy.runs) r.host.busy = true;
  const auto busy_first = JudgeOf(busy, &base);
  BOOST_TEST_REQUIRE((busy_first.outcome == Outcome::Inconclusive));
  BOOST_TEST((Confirm(busy_first, JudgeOf(MakeCase({1.2, 1.22, 1.18}), &base)).outcome == Outcome::Failed));
  // Round trip through JSON keeps the attempts.
  const auto j = VerdictFromJson(ToJson(again));
  BOOST_TEST(j.earlier.size() == 1u);
  BOOST_TEST((j.outcome == Outcome::Failed));
}

BOOST_AUTO_TEST_CASE(error_rate_rule) {
  BOOST_TEST((CompareErrorRate(0, 200, 20, 200, 0.01).verdict == Change::Regressed));
  BOOST_TEST((CompareErrorRate(0, 200, 1, 200, 0.01).verdict == Change::Unchanged));
  BOOST_TEST((CompareErrorRate(0, 0, 1, 200, 0.01).verdict == Change::Insufficient));
}

BOOST_AUTO_TEST_CASE(thresholds_report_measured_values_and_fail_without_samples) {
  metrics::Summary s;
  s.load_level = scenario::Level::Closed(4);
  s.level["output_throughput"] = 950;
  s.distributions.push_back({"ttft", metrics::Stats{10, 1, 1, 1, 1, 120, 130, 140, 150}});
  scenario::ThresholdError error;
  std::vector<scenario::ThresholdSpec> rules;
  for (const char* text : {"ttft.p95 < 500ms", "output_throughput > 1000 tok/s", "server_total.p50 < 1s"}) {
    rules.push_back({text, *scenario::ParseThreshold(text, error), {}, {}, {}, 0, 0, ""});
  }
  rules.push_back({"ttft.p50 < 1ms", *scenario::ParseThreshold("ttft.p50 < 1ms", error), {8}, {}, {}, 0, 0, ""});
  const auto results = EvaluateThresholds(rules, {s});
  BOOST_TEST_REQUIRE(results.size() == 3u);  // the last rule applies only to concurrency 8
  BOOST_TEST(results[0].passed);
  BOOST_TEST(results[0].measured == 140.0);
  BOOST_TEST(!results[1].passed);
  BOOST_TEST(results[1].measured == 950.0);
  BOOST_TEST(!results[2].passed);  // no server timings: cannot be checked, so it fails
}

BOOST_AUTO_TEST_CASE(verdict_outcomes) {
  CaseData base = MakeCase(RunValues(1.0, 0.02, 9, 51));
  const CaseData run = MakeCase({1.3, 1.31, 1.29});
  auto v = JudgeOf(run, &base);
  BOOST_TEST((v.outcome == Outcome::Failed));
  BOOST_TEST_REQUIRE(!v.reasons.empty());
  BOOST_TEST(v.reasons[0].find("tpot.p50 at concurrency 1 regressed +") == 0u, v.reasons[0]);
  v = JudgeOf(run, &base, {.strict = false, .accept_regressions = true});
  BOOST_TEST((v.outcome == Outcome::Passed));
  BOOST_TEST(v.acknowledged);
  BOOST_TEST(!NeedsConfirmation(v));
  v = JudgeOf(run, nullptr);
  BOOST_TEST((v.outcome == Outcome::Passed));
  BOOST_TEST(v.baseline_state == "missing");
  v = JudgeOf(run, nullptr, {.strict = true, .accept_regressions = false});
  BOOST_TEST((v.outcome == Outcome::Failed));
  base.fingerprint.hardware = "other";
  v = JudgeOf(run, &base);
  BOOST_TEST((v.outcome == Outcome::Passed));
  BOOST_TEST(v.baseline_state == "mismatch");
  BOOST_TEST(v.baseline_detail.find("hardware") == 0u);
  v = JudgeOf(run, &base, {.strict = true, .accept_regressions = false});
  BOOST_TEST((v.outcome == Outcome::Failed));  // strict: a baseline that cannot be used fails
  JudgeInput in;
  in.case_id = "s/e/c";
  in.run_status = "skipped";
  in.run_message = "engine unreachable";
  BOOST_TEST((Judge(in).outcome == Outcome::Skipped));
  in.run_status = "failed";
  BOOST_TEST((Judge(in).outcome == Outcome::Error));
}

// What was asked for is in the fingerprint: another sampling setting or other data in a
// class's dataset is another case, never compared with the old baseline.
BOOST_AUTO_TEST_CASE(sampling_and_dataset_content_are_part_of_the_fingerprint) {
  llmbench::scenario::Case c;
  c.id = "s/e/c";
  c.engine.name = "e";
  c.engine.protocol = "openai-chat";
  c.prompt_class.input_tokens = 64;
  c.prompt_class.output_tokens = 16;
  const std::string base = llmbench::gate::MakeFingerprint(c).settings;
  BOOST_TEST(llmbench::gate::MakeFingerprint(c).settings == base);  // stable
  auto nucleus = c;
  nucleus.prompt_class.top_p = 0.9;
  BOOST_TEST(llmbench::gate::MakeFingerprint(nucleus).settings != base);
  auto data = c;
  data.prompt_class.input_tokens = 0;
  data.prompt_class.dataset = "prompts.jsonl";
  BOOST_TEST(llmbench::gate::MakeFingerprint(data, 1).settings != llmbench::gate::MakeFingerprint(data, 2).settings);
}

BOOST_AUTO_TEST_CASE(the_searchs_capacity_is_gated_and_finding_none_is_a_regression) {
  const auto with_search = [](const std::vector<double>& found) {
    CaseData c = MakeCase({10, 10.1, 9.9});
    int rep = 0;
    for (const double f : found) {
      RunData r;
      r.load_level = scenario::Level::Search();
      r.repetition = ++rep;
      if (f > 0) r.values["max_rate_under_slo"] = f;
      c.runs.push_back(r);
    }
    return c;
  };
  const CaseData base = with_search({20, 20.4, 19.6});
  // Unchanged capacity: compared at the search only, no latency or error-rate comparison there.
  auto cs = CompareCases(base, with_search({20.2, 19.8, 20}));
  const Comparison& same = Find(cs, "max_rate_under_slo");
  BOOST_TEST(same.load_level.search());
  BOOST_TEST((same.verdict != Change::Regressed));
  for (const auto& c : cs) {
    if (c.load_level.search()) BOOST_TEST(c.metric == "max_rate_under_slo");
  }
  // A third less capacity regresses.
  cs = CompareCases(base, with_search({13.4, 13.2, 13.6}));
  BOOST_TEST((Find(cs, "max_rate_under_slo").verdict == Change::Regressed));
  // No rate met the SLO in one search (below min_rate): a regression, not a missing value.
  cs = CompareCases(base, with_search({20, 0, 20}));
  const Comparison& none = Find(cs, "max_rate_under_slo");
  BOOST_TEST((none.verdict == Change::Regressed));
  BOOST_TEST(none.note.find("1 of 3 searches found no rate meeting the SLO") == 0u, none.note);
}

BOOST_AUTO_TEST_CASE(a_sweep_point_compares_with_the_same_point_whatever_rate_each_ran_at) {
  // The same point of two runs: its rate is each run's own (each measured its ends).
  const auto at_point = [](const std::vector<double>& tpot, double rate) {
    CaseData c = MakeCase(tpot);
    for (auto& r : c.runs) r.load_level = scenario::Level::SweepPoint(2, 0).WithRate(rate);
    return c;
  };
  auto cs = CompareCases(at_point({10, 10.1, 9.9}, 7.5), at_point({13, 13.1, 12.9}, 7.2));
  const Comparison& tpot = Find(cs, "tpot", "p50");
  BOOST_TEST(tpot.load_level.point == 2);
  BOOST_TEST((tpot.verdict == Change::Regressed));
  BOOST_TEST(tpot.gating);
  // Placed 20 % lower than the baseline's (its ends measured a slower engine): latency there is
  // another load, so it is compared and shown, not gated; the ends are.
  cs = CompareCases(at_point({10, 10.1, 9.9}, 7.5), at_point({13, 13.1, 12.9}, 6.0));
  const Comparison& moved = Find(cs, "tpot", "p50");
  BOOST_TEST(!moved.gating);
  BOOST_TEST((moved.verdict != Change::Regressed));
  BOOST_TEST(moved.note.find("placed the point at 6 arrivals/s, the baseline at 7.5 (-20.0 %)") != std::string::npos,
             moved.note);
  // Its level survives results.json and baselines: the point, its rate and its concurrency.
  RunData r;
  r.load_level = scenario::Level::SweepPoint(2, 0).WithRate(7.5);
  const RunData back = RunDataFromJson(ToJson(r));
  BOOST_TEST((back.load_level == r.load_level));
  BOOST_TEST(back.load_level.rate == 7.5);
  BOOST_TEST(back.load_level.open());
  r.load_level = scenario::Level::SweepPoint(4, 16);
  BOOST_TEST(RunDataFromJson(ToJson(r)).load_level.concurrency == 16);
  BOOST_TEST(!RunDataFromJson(ToJson(r)).load_level.open());
  r.load_level = scenario::Level::SweepPoint(0, 1);
  BOOST_TEST((RunDataFromJson(ToJson(r)).load_level != scenario::Level::Closed(1)));
}

BOOST_AUTO_TEST_CASE(a_sweep_is_part_of_the_fingerprint) {
  scenario::Case c;
  c.engine.protocol = "openai-chat";
  const std::string none = MakeFingerprint(c).settings;
  c.load.sweep = scenario::Sweep{};
  const std::string eight = MakeFingerprint(c).settings;
  BOOST_TEST(eight != none);
  c.load.sweep->points = 4;
  BOOST_TEST(MakeFingerprint(c).settings != eight);
}

BOOST_AUTO_TEST_CASE(a_shard_of_a_cases_levels_keeps_the_cases_family_wise_level) {
  // Holm with members judged elsewhere: they count as never rejected.
  BOOST_TEST(Holm({0.01}, 0.05)[0]);
  BOOST_TEST(!Holm({0.01}, 0.05, 9)[0]);  // 0.01 > 0.05 / 10
  BOOST_TEST(Holm({0.004}, 0.05, 9)[0]);
  // A run of one of the baseline's three levels tests at a third of the level the whole case would.
  CaseData base = MakeCase({10, 10.1, 9.9}, 1);
  for (const std::int64_t c : {4, 16}) {
    for (auto r : MakeCase({10, 10.1, 9.9}, c).runs) base.runs.push_back(r);
  }
  const CaseData whole = [&] {
    CaseData run = base;
    for (auto& r : run.runs) r.values["tpot.p50"] *= 1.01;
    return run;
  }();
  const CaseData shard = MakeCase({10.1, 10.2, 10.0}, 4);
  const double whole_alpha = Find(CompareCases(base, whole), "tpot", "p50").alpha;
  const double shard_alpha = Find(CompareCases(base, shard), "tpot", "p50").alpha;
  BOOST_TEST(shard_alpha == whole_alpha, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(level_shards_merge_into_one_verdict_with_the_worst_outcome) {
  CaseVerdict a, b;
  a.case_id = b.case_id = "s/e/c";
  a.outcome = Outcome::Passed;
  a.baseline_state = "compared";
  b.outcome = Outcome::Inconclusive;
  b.reasons = {"rate 10 req/s invalid: the engine did not keep up"};
  b.baseline_state = "compared";
  b.comparisons.resize(2);
  a.comparisons.resize(3);
  CaseVerdict m = MergeShards(a, b);
  BOOST_TEST((m.outcome == Outcome::Inconclusive));
  BOOST_TEST(m.reasons.size() == 1u);
  BOOST_TEST(m.comparisons.size() == 5u);
  b.outcome = Outcome::Failed;
  b.baseline_state = "missing";
  m = MergeShards(m, b);
  BOOST_TEST((m.outcome == Outcome::Failed));
  BOOST_TEST(m.baseline_state == "missing");
  a.outcome = Outcome::Error;
  BOOST_TEST((MergeShards(m, a).outcome == Outcome::Error));
}

BOOST_AUTO_TEST_CASE(a_level_the_baseline_lacks_is_said_not_compared) {
  const CaseData base = MakeCase({10, 10.1, 9.9}, 1);
  const CaseData run = MakeCase({10, 10.1, 9.9}, 4);
  const CaseVerdict v = JudgeOf(run, &base);
  BOOST_TEST((v.outcome == Outcome::Passed));
  BOOST_TEST(std::any_of(v.notes.begin(), v.notes.end(),
                         [](const std::string& n) {
                           return n == "not compared: concurrency 4: the baseline has no runs of it (bless it)";
                         }),
             boost::algorithm::join(v.notes, " | "));
}

// Found by fuzz_results_json: a comparison, threshold result or summary without its numbers read
// missing keys through a const operator[] (undefined behaviour: a use-after-free under ASan).
// Absent numbers are NaN.
BOOST_AUTO_TEST_CASE(results_json_objects_without_their_numbers_read_as_nan) {
  const auto c = ComparisonFromJson(nlohmann::json::object({{"metric", "ttft"}}));
  BOOST_TEST(std::isnan(c.base));
  BOOST_TEST(std::isnan(c.ci_high));
  BOOST_TEST(std::isnan(c.mde));
  const auto t = ThresholdResultFromJson(nlohmann::json::object());
  BOOST_TEST(std::isnan(t.measured));
  const auto s = SummaryFromJson(nlohmann::json::parse(R"({"distributions":{"ttft":{"count":3}},"level":{"x":"y"}})"));
  BOOST_TEST_REQUIRE(s.Find("ttft") != nullptr);
  BOOST_TEST(std::isnan(s.Find("ttft")->p50));
  BOOST_TEST(std::isnan(s.level.at("x")));
  BOOST_CHECK_THROW(CasesFromResults(nlohmann::json::parse(R"({"schema":"x"})")), std::runtime_error);
  // Numbers beyond int64 where integers belong (a float-to-integer conversion out of range is
  // undefined behaviour): an error, never a wrapped value.
  BOOST_CHECK_THROW(RecordFromJson(nlohmann::json::parse(R"({"chunk_ns":[1, 4.1e22]})")), std::runtime_error);
  BOOST_CHECK_THROW(RecordFromJson(nlohmann::json::parse(R"({"start_ns":-4.1e22})")), std::runtime_error);
  BOOST_TEST(RecordFromJson(nlohmann::json::parse(R"({"chunk_ns":[1, 2.0]})")).chunk_ns ==
             (std::vector<std::int64_t>{1, 2}));
}

BOOST_AUTO_TEST_CASE(a_records_jsonl_line_is_the_records_json_without_building_it) {
  // Every field set and unset, every kind of level, strings that need escaping and bytes that
  // are not UTF-8: the text line parses to exactly the JSON the DOM route writes.
  std::vector<load::Record> records(5);
  records[0].request_id = "run-1-0";
  records[0].chunk_ns = {1, 2, 3};
  records[0].load_level = scenario::Level::Closed(64);
  records[1].error = load::ErrorKind::HttpStatus;
  records[1].error_message = "HTTP 500: {\"error\": \"bad\\ thing\"}\n\ttab \x01 \xff\xfe end";
  records[1].finish_reason = "stop";
  records[1].load_level = scenario::Level::Open(12.5);
  records[1].prompt_tokens = 7;
  records[1].connect_ns = 0;
  records[1].server.queue_ns = 5;
  records[2].load_level = scenario::Level::Trace(1.0 / 3.0);
  records[2].own_code = 1;
  records[2].expect_matched = 0;
  records[2].turn = 2;
  records[2].intended_ns = 99;
  records[2].rate_wait_ns = 4;
  records[3].load_level = scenario::Level::SweepPoint(3, 0).WithRate(0.1);
  records[3].excluded = true;
  records[3].streamed = false;
  records[3].warmup = true;
  records[4].load_level = scenario::Level::Search();
  records[4].index = std::numeric_limits<std::int64_t>::max();
  records[4].completion_tokens = std::numeric_limits<std::int64_t>::max();
  for (const auto& r : records) {
    std::string line;
    AppendRecordLine(r, "s/e/\"c\"", 2, 3, line);
    BOOST_TEST_REQUIRE(line.back() == '\n');
    BOOST_TEST(std::count(line.begin(), line.end(), '\n') == 1);
    nlohmann::json want = ToJson(r);
    want["case"] = "s/e/\"c\"";
    want["attempt"] = 2;
    want["repetition"] = 3;
    const auto got = nlohmann::json::parse(line, nullptr, false);
    BOOST_TEST_REQUIRE(!got.is_discarded(), line);
    // Compared as text of the same DOM: bytes that are not UTF-8 became U+FFFD on both routes.
    BOOST_TEST(DumpJson(got) == DumpJson(want));
    BOOST_TEST(RecordFromJson(got).chunk_ns == r.chunk_ns);
  }
}
