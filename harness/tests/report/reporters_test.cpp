// Reporters against golden files, from a fixed RunReport (clock, host and version injected, so
// nothing needs normalising). Update the golden files with:
//   build/harness/tests/test_report -- --update-golden
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include <set>

#include "report/charts.hpp"
#include "report/engine_compare.hpp"
#include "report/run_report.hpp"
#include "report/svg_chart.hpp"
#include "test_support.hpp"

using namespace llmbench;
using namespace llmbench::report;

namespace {

bool UpdateGolden() {
  const auto& suite = boost::unit_test::framework::master_test_suite();
  for (int i = 1; i < suite.argc; ++i) {
    if (std::string(suite.argv[i]) == "--update-golden") return true;
  }
  return false;
}

metrics::Summary Level(std::int64_t concurrency, double ttft, double itl, double throughput, std::int64_t failed = 0) {
  metrics::Summary s;
  s.load_level = scenario::Level::Closed(concurrency);
  s.requests = 64;
  s.succeeded = 64 - failed;
  s.errors = {{"connect", 0}, {"decode", 0}, {"http_status", failed}, {"stream", 0}, {"timeout", 0}};
  s.level = {{"duration", 2.5},
             {"output_throughput", throughput},
             {"request_throughput", throughput / 128},
             {"error_rate", failed / 64.0},
             {"ttft_over_3s", 0},
             {"retries_429", 0}};
  s.distributions = {{"ttft", {64, ttft, 1, ttft * 0.8, ttft * 1.5, ttft, ttft * 1.1, ttft * 1.2, ttft * 1.4}},
                     {"itl", {4032, itl, 0.1, itl * 0.9, itl * 2, itl, itl * 1.05, itl * 1.1, itl * 1.3}},
                     {"tpot", {64, itl, 0.1, itl * 0.9, itl * 1.2, itl, itl * 1.02, itl * 1.05, itl * 1.1}},
                     {"e2e", {64, ttft + 127 * itl, 5, 0, 0, ttft + 127 * itl, 0, 0, 0}}};
  return s;
}

gate::Comparison Cmp(const char* metric, const char* stat, std::int64_t c, double base, double run, gate::Change v) {
  gate::Comparison x;
  x.metric = metric;
  x.statistic = stat;
  x.load_level = scenario::Level::Closed(c);
  x.n_base = 9;
  x.n_run = 3;
  x.sigma = 0.02;
  x.dof = 10;
  x.p_worse = run > base ? 0.001 : 0.9;
  x.method = "pooled t";
  x.base = base;
  x.run = run;
  x.change = run / base - 1;
  x.ci_low = x.change - 0.04;
  x.ci_high = x.change + 0.04;
  x.mde = 0.04;
  x.tolerance = 0.05;
  x.verdict = v;
  return x;
}

// A case with its id, names, levels and duration; everything else default.
CaseReport MakeCase(std::string id, std::string scenario, std::string engine, std::string cls,
                    std::vector<metrics::Summary> levels, double duration_s) {
  CaseReport c;
  c.id = std::move(id);
  c.scenario = std::move(scenario);
  c.engine = std::move(engine);
  c.prompt_class = std::move(cls);
  c.levels = std::move(levels);
  c.duration_s = duration_s;
  return c;
}

RunReport Fixture() {
  RunReport r;
  r.generated_utc = "2026-11-22T12:00:00Z";
  r.host = "ci-runner";
  r.harness_version = "0.1.0";
  r.scenarios["chat"] = {"0123456789abcdef0123456789abcdef01234567", "gpu-host-1", "2026-11-22T11:50:00Z", "0.1.0", ""};
  CaseReport pass =
      MakeCase("chat/vllm/short", "chat", "vllm", "short", {Level(1, 40, 12, 80), Level(8, 55, 14, 560)}, 5.0);
  pass.verdict.case_id = pass.id;
  // A $4/h engine: 2.5 s per level; 64 requests of 512 input tokens; output 80 and 560 tok/s.
  for (auto& l : pass.levels) {
    const double usd = 4.0 / 3600 * 2.5, in = 64 * 512.0, out = l.level["output_throughput"] * 2.5;
    l.level["cost"] = usd;
    l.level["cost_per_1k_requests"] = usd / 64 * 1000;
    l.level["cost_per_million_input_tokens"] = usd / in * 1e6;
    l.level["cost_per_million_output_tokens"] = usd / out * 1e6;
    l.level["cost_per_million_tokens"] = usd / (in + out) * 1e6;
  }
  pass.verdict.baseline_state = "compared";
  pass.verdict.baseline_detail = "baselines/chat/vllm/short.json (commit 0123456789ab, 2026-11-01T10:00:00Z)";
  pass.verdict.thresholds = {{"ttft.p95 < 500ms", scenario::Level::Closed(1), 48, 500, "ms", true, ""},
                             {"ttft.p95 < 500ms", scenario::Level::Closed(8), 66, 500, "ms", true, ""}};
  pass.verdict.comparisons = {Cmp("ttft", "p50", 8, 54, 55, gate::Change::Unchanged),
                              Cmp("tpot", "p50", 8, 15, 14, gate::Change::Improved)};
  CaseReport slow =
      MakeCase("chat/vllm/long", "chat", "vllm", "long", {Level(1, 400, 12, 80), Level(8, 620, 18, 430)}, 9.0);
  slow.verdict.case_id = slow.id;
  slow.verdict.outcome = gate::Outcome::Failed;
  slow.verdict.baseline_state = "compared";
  slow.verdict.comparisons = {Cmp("tpot", "p50", 8, 15, 18, gate::Change::Regressed),
                              Cmp("ttft", "p95", 8, 600, 700, gate::Change::Insufficient)};
  slow.verdict.comparisons.back().note =
      "p95 needs 60 samples per side (baseline 40, run 40): raise requests per level";
  slow.verdict.thresholds = {{"ttft.p95 < 500ms", scenario::Level::Closed(8), 744, 500, "ms", false, ""}};
  slow.verdict.reasons = {"threshold 'ttft.p95 < 500ms' broken at concurrency 8: measured 744 ms",
                          "tpot.p50 at concurrency 8 regressed +20.0% (15 → 18, 95% CI +16.0% … +24.0%)"};
  CaseReport down = MakeCase("chat/tgi/short", "chat", "tgi", "short", {}, 0);
  down.verdict.case_id = down.id;
  down.verdict.outcome = gate::Outcome::Skipped;
  down.verdict.reasons = {
      "engine 'tgi' unreachable at http://127.0.0.1:8080/generate_stream: Couldn't connect to server"};
  down.verdict.baseline_state = "not compared";
  CaseReport broken = MakeCase("typo/invalid-scenario", "typo", "invalid-scenario", "", {}, 0);
  broken.verdict.case_id = broken.id;
  broken.verdict.outcome = gate::Outcome::Error;
  broken.verdict.reasons = {"typo.toml:8:1: error: key 'load.concurency': unknown key (did you mean 'concurrency'?)"};
  CaseReport fresh =
      MakeCase("chat/sim/short", "chat", "sim", "short", {Level(1, 13, 1, 900, 2), Level(8, 14, 1.1, 7000)}, 1.0);
  fresh.verdict.case_id = fresh.id;
  fresh.verdict.baseline_state = "missing";
  fresh.verdict.baseline_detail = "baselines/chat/sim/short.json";
  // Too noisy to tell, after re-measuring: neither a pass nor a failure.
  CaseReport noisy =
      MakeCase("chat/sim/long", "chat", "sim", "long", {Level(1, 45, 1.2, 850), Level(8, 60, 1.4, 6000)}, 7.0);
  noisy.verdict.case_id = noisy.id;
  noisy.verdict.outcome = gate::Outcome::Inconclusive;
  noisy.verdict.baseline_state = "compared";
  noisy.verdict.attempt = 2;
  noisy.verdict.comparisons = {Cmp("tpot", "p50", 8, 1.3, 1.4, gate::Change::Inconclusive)};
  noisy.verdict.comparisons[0].mde = 0.12;
  noisy.verdict.comparisons[0].note = "cannot resolve ±5%: minimum detectable change 12.0% (σ_run 0.080, 9/3 runs)";
  noisy.verdict.reasons = {"tpot.p50 at concurrency 8: " + noisy.verdict.comparisons[0].note};
  noisy.verdict.notes = {"not resolved: ttft.p95 at concurrency 8: cannot resolve ±10%"};
  noisy.verdict.earlier = {{1, gate::Outcome::Inconclusive, noisy.verdict.reasons, {}}};
  // Engine A vs B (sim vs vllm, class short): three runs each at concurrency 8, vllm 10 % slower.
  const auto add_runs = [](CaseReport& c, double ttft, double tpot, double throughput, const std::string& engine) {
    for (int k = 0; k < 3; ++k) {
      gate::RunData d;
      d.load_level = scenario::Level::Closed(8);
      d.repetition = k + 1;
      const double wobble = 1 + 0.01 * (k - 1);
      d.values = {{"ttft.p50", ttft * wobble},
                  {"tpot.p50", tpot * wobble},
                  {"output_throughput", throughput / wobble},
                  {"cost_per_1k_requests", 0.04 * 560 / throughput * wobble}};
      c.runs.push_back(d);
    }
    c.engine_identity.engine = engine;
    c.engine_identity.version = "0.1.0";
    c.hardware = "AMD EPYC x 2";
    c.started_utc = engine == "vLLM" ? "2026-11-22T11:52:00Z" : "2026-11-22T11:50:00Z";
    c.load_settings = R"({"repetitions":3,"seed":1,"temperature":0.0,"warmup":4})";
    c.engine_settings = R"({"force_output_length":true,"protocol":"openai-chat"})";
  };
  // Per-request samples (records.jsonl): the CDFs and, at c=8, 16 requests in two waves of 8
  // (the fifth failed without a token).
  const auto add_samples = [](CaseReport& c, double ttft, double tpot) {
    for (const std::int64_t conc : {1, 8}) {
      LevelSamples s;
      s.level = scenario::Level::Closed(conc);
      for (int i = 0; i < 64; ++i) {
        const double spread = 1 + 0.01 * i * static_cast<double>(conc);
        s.ttft.push_back(ttft * spread);
        s.tpot.push_back(tpot * (1 + 0.002 * i));
        s.e2e.push_back(ttft * spread + 127 * tpot * (1 + 0.002 * i));
      }
      if (conc == 8) {
        for (int i = 0; i < 16; ++i) {
          const double send = (i / 8) * 900.0 + (i % 8) * 2;
          s.timeline.push_back(
              {send, i == 4 ? -1 : send + ttft + i, i == 4 ? send + 30 : send + ttft + i + 800, i == 4});
        }
        s.timeline_requests = 64;
      }
      c.samples.push_back(std::move(s));
    }
  };
  add_samples(pass, 55, 14);
  add_samples(fresh, 14, 1.1);
  add_runs(pass, 55, 14, 560, "vLLM");
  add_runs(fresh, 50, 12.7, 616, "llmbench simulator");
  r.cases = {broken, down, slow, pass, fresh, noisy};
  std::sort(r.cases.begin(), r.cases.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return r;
}

void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = testing::DataPath("../golden/" + name);
  if (UpdateGolden()) {
    std::ofstream(path, std::ios::binary) << actual;
    BOOST_TEST_MESSAGE("updated " << path);
    return;
  }
  const std::string expected = testing::ReadTestData("../golden/" + name);
  BOOST_TEST(actual == expected, name << " differs from " << path << "; if intended, rerun with -- --update-golden");
}

}  // namespace

BOOST_AUTO_TEST_CASE(junit_matches_golden_and_validates_against_the_xsd) {
  std::ostringstream out;
  WriteJUnit(Fixture(), out);
  CheckGolden("junit.xml", out.str());
  const std::string file = (std::filesystem::temp_directory_path() / "llmbench-junit-golden.xml").string();
  std::ofstream(file) << out.str();
  const std::string cmd =
      "xmllint --noout --schema " + llmbench::testing::DataPath("junit-10.xsd") + " " + file + " 2>&1";
  BOOST_TEST(std::system(cmd.c_str()) == 0, cmd);
}

BOOST_AUTO_TEST_CASE(html_matches_golden) {
  std::ostringstream out;
  WriteHtml(Fixture(), out);
  CheckGolden("index.html", out.str());
}

BOOST_AUTO_TEST_CASE(svg_charts_start_at_zero_with_nice_ticks_and_match_golden) {
  BOOST_TEST(NiceTicks(51.03) == (std::vector<double>{0, 20, 40, 60}));
  BOOST_TEST(NiceTicks(0.8).size() == 5u);                  // 0, 0.2, … 0.8
  BOOST_TEST(NiceTicks(0) == (std::vector<double>{0, 1}));  // nothing measured: an axis, not a crash
  BOOST_TEST(NiceTicks(std::nan("")) == (std::vector<double>{0, 1}));
  // Issue 9's example: 51.03 → 51.01 ms must not fill the height; from zero it is two equal points.
  LineChart c{"TTFT p50", "level", "TTFT (ms)", {"c=1", "c=8"}, {{"vllm", {{0, 51.03}, {1, 51.01}}}}};
  const std::string svg = RenderSvg(c);
  BOOST_TEST(svg.find(">0</text>") != std::string::npos);  // the axis's zero is labelled
  BOOST_TEST(svg.find("(axis from 0)") != std::string::npos);
  DistributionChart d{"TTFT", "TTFT (ms)", {{"c=1", {64, 41, 2, 35, 60, 40, 44, 48, 56}}}};
  // A CDF of 4 samples: each at its own fraction, the last at 1.
  const auto cdf = CdfPoints({10, 20, 30, 40});
  BOOST_TEST(cdf.size() == 4u);
  BOOST_TEST(cdf.front().first == 10);
  BOOST_TEST(cdf.front().second == 0.25);
  BOOST_TEST(cdf.back().first == 40);
  BOOST_TEST(cdf.back().second == 1.0);
  BOOST_TEST(CdfPoints({}).empty());
  std::vector<double> many(10000);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = static_cast<double>(i);
  BOOST_TEST(CdfPoints(many).size() == 101u);  // bounded, whatever the sample size
  BOOST_TEST(CdfPoints(many)[50].first == 5000);
  // A timeline: waiting and streaming parts, a failed request whole, in its own colour.
  TimelineChart t{"timeline", {{0, 50, 850, false}, {2, -1, 30, true}, {900, 960, 1700, false}}};
  const std::string timeline = RenderSvg(t);
  BOOST_TEST(timeline.find("request 2: sent 2 ms, first token none, end 30 ms, failed") != std::string::npos);
  BOOST_TEST(timeline.find("ms since the first send") != std::string::npos);
  CheckGolden("chart.svg", svg + RenderSvg(d) + timeline);
}

// records.jsonl → per-level samples: warm-up, other cases and earlier attempts left out, failed
// requests on the timeline only, a line cut off mid-way counted, not fatal.
BOOST_AUTO_TEST_CASE(case_samples_read_from_records_jsonl) {
  const std::string path = (std::filesystem::temp_directory_path() / "llmbench-samples-test.jsonl").string();
  {
    std::ofstream f(path);
    const auto line = [&](const char* case_id, int attempt, int repetition, bool warmup, int concurrency,
                          std::int64_t start_ms, std::int64_t first_ms, std::int64_t end_ms, const char* error) {
      const std::int64_t ms = 1'000'000;
      f << fmt::format(
          R"({{"attempt":{},"case":"{}","chunk_ns":{},"concurrency":{},"done_ns":{},"error":"{}","repetition":{},)"
          R"("scheduled_ns":{},"start_ns":{},"warmup":{},"completion_tokens":2,"prompt_tokens":10}})"
          "\n",
          attempt, case_id,
          first_ms < 0 ? std::string("[]") : fmt::format("[{},{}]", first_ms * ms, (first_ms + 10) * ms), concurrency,
          end_ms * ms, error, repetition, start_ms * ms, start_ms * ms, warmup ? "true" : "false");
    };
    line("s/e/c", 1, 1, false, 1, 1000, 1100, 1200, "none");  // an earlier attempt
    line("s/e/c", 2, 1, true, 1, 2000, 2100, 2200, "none");   // warm-up
    line("s/e/c", 2, 1, false, 1, 3000, 3040, 3050, "none");
    line("s/e/c", 2, 1, false, 1, 3100, 3120, 3130, "none");
    line("s/e/c", 2, 2, false, 1, 3200, 3230, 3240, "none");  // repetition 2: samples, not the timeline
    line("s/e/c", 2, 1, false, 4, 4000, -1, 4005, "stream");  // failed: timeline only
    line("s/e/c", 2, 1, false, 4, 3990, 4060, 4070, "none");
    line("s/x/c", 2, 1, false, 1, 3000, 3001, 3002, "none");  // another case
    f << R"({"attempt":2,"case":"s/e/c","chunk_ns":[1,)";     // cut off mid-line
  }
  const RecordSamples all = ReadRecordSamples(path);
  BOOST_TEST(all.bad_lines == 1);
  BOOST_TEST_REQUIRE(all.cases.size() == 2u);
  BOOST_TEST(all.cases.at("s/x/c").size() == 1u);
  const std::vector<LevelSamples>& levels = all.cases.at("s/e/c");
  BOOST_TEST_REQUIRE(levels.size() == 2u);
  const LevelSamples& c1 = levels[0];
  BOOST_TEST(c1.level.concurrency == 1);
  BOOST_TEST(c1.ttft == (std::vector<double>{20, 30, 40}));  // sorted, ms
  BOOST_TEST(c1.e2e == (std::vector<double>{30, 40, 50}));
  BOOST_TEST(c1.tpot == (std::vector<double>{10, 10, 10}));
  BOOST_TEST(c1.timeline_requests == 2);
  BOOST_TEST_REQUIRE(c1.timeline.size() == 2u);
  BOOST_TEST(c1.timeline[0].send_ms == 0);
  BOOST_TEST(c1.timeline[0].first_token_ms == 40);
  BOOST_TEST(c1.timeline[1].send_ms == 100);
  BOOST_TEST(c1.timeline[1].end_ms == 130);
  const LevelSamples& c4 = levels[1];
  BOOST_TEST(c4.ttft == (std::vector<double>{70}));
  BOOST_TEST_REQUIRE(c4.timeline.size() == 2u);
  BOOST_TEST(c4.timeline[1].failed);  // sent 10 ms after the other one
  BOOST_TEST(c4.timeline[1].send_ms == 10);
  BOOST_TEST(c4.timeline[1].first_token_ms == -1);
  BOOST_TEST(ReadRecordSamples(path + ".absent").cases.empty());
  BOOST_CHECK_THROW(ReadRecordSamples(std::filesystem::temp_directory_path().string()), std::runtime_error);
  std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(charts_are_built_once_with_unique_file_names_and_linked_from_markdown) {
  const RunReport r = Fixture();
  const std::vector<Chart> charts = BuildCharts(r);
  std::set<std::string> files;
  bool per_engine_cdf = false, timeline = false;
  for (const auto& c : charts) {
    BOOST_TEST(files.insert(c.file).second, c.file << " twice");
    BOOST_TEST(c.file.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
               std::string::npos);
    BOOST_TEST(c.svg.rfind("<svg", 0) == 0u);
    per_engine_cdf |= c.file == "chat.short.ttft-cdf.svg";
    timeline |= c.file == "chat_vllm_short.timeline.svg";
  }
  BOOST_TEST(per_engine_cdf);
  BOOST_TEST(timeline);
  std::ostringstream md;
  WriteMarkdown(r, md);
  BOOST_TEST(md.str().find("(charts/chat_vllm_short.timeline.svg)") != std::string::npos);
  // Cost compared per run like the gated statistics: vLLM's throughput is 560 vs 616 tok/s.
  bool cost = false;
  for (const auto& pair : CompareEngines(r)) {
    for (const auto& row : pair.rows) {
      if (row.key != "cost_per_1k_requests") continue;
      cost = true;
      BOOST_TEST(row.ratio == 616.0 / 560, boost::test_tools::tolerance(1e-9));
      BOOST_TEST(row.winner == "sim");
    }
  }
  BOOST_TEST(cost);
}

BOOST_AUTO_TEST_CASE(markdown_matches_golden) {
  std::ostringstream out;
  WriteMarkdown(Fixture(), out);
  CheckGolden("summary.md", out.str());
}

BOOST_AUTO_TEST_CASE(markdown_stays_under_the_limit_with_500_cases_and_says_what_it_cut) {
  RunReport r = Fixture();
  const auto templates = r.cases;
  r.cases.clear();
  for (int i = 0; i < 500; ++i) {
    CaseReport c = templates[static_cast<std::size_t>(i) % templates.size()];
    c.scenario = "scenario" + std::to_string(i % 7);
    c.engine = "engine" + std::to_string(i % 5);
    c.prompt_class = "class" + std::to_string(i);
    c.id = c.scenario + "/" + c.engine + "/" + c.prompt_class;
    c.verdict.case_id = c.id;
    r.cases.push_back(c);
  }
  std::ostringstream out;
  WriteMarkdown(r, out);
  const std::string md = out.str();
  BOOST_TEST(md.size() <= 65536u);
  BOOST_TEST(md.rfind("## ❌ llmbench:", 0) == 0u);  // the verdict line first
  BOOST_TEST(md.find("Cut to stay under 65536 characters") != std::string::npos);
  std::ostringstream tiny;
  WriteMarkdown(r, tiny, 4000);
  BOOST_TEST(tiny.str().size() <= 4000u);
}

BOOST_AUTO_TEST_CASE(xml_escaping_of_hostile_text) {
  RunReport r = Fixture();
  for (auto& c : r.cases) {
    if (c.verdict.outcome == gate::Outcome::Error)
      c.verdict.reasons = {"<script>&\"quoted\" 'single' \x01\x02 ]]> end"};
  }
  std::ostringstream out;
  WriteJUnit(r, out);
  BOOST_TEST(out.str().find("&lt;script&gt;&amp;&quot;quoted&quot; &apos;single&apos;  ]]&gt; end") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(engine_comparison_names_no_winner_from_runs_without_a_value_and_compares_error_rates) {
  const auto engine = [](const std::string& name, std::vector<double> rates, std::int64_t errors) {
    CaseReport c = MakeCase("s/" + name + "/c", "s", name, "c", {Level(8, 50, 10, 500)}, 1.0);
    for (std::size_t k = 0; k < rates.size(); ++k) {
      gate::RunData d;
      d.load_level = scenario::Level::Closed(8);
      d.repetition = static_cast<int>(k) + 1;
      d.requests = 100;
      d.errors = errors;
      d.values["output_throughput"] = 500 + static_cast<double>(k);
      if (rates[k] > 0) d.values["max_rate_under_slo"] = rates[k];  // 0: the search found no rate
      c.runs.push_back(d);
    }
    return c;
  };
  RunReport r;
  // B found a higher rate once, and none in two runs: not a win. B fails 30 % of its requests.
  r.cases = {engine("a", {4.0, 4.1, 3.9}, 0), engine("b", {0, 0, 5.0}, 30)};
  const auto pairs = CompareEngines(r);
  BOOST_TEST_REQUIRE(pairs.size() == 1u);
  bool saw_rate = false, saw_errors = false;
  for (const auto& row : pairs[0].rows) {
    if (row.key == "max_rate_under_slo") {
      saw_rate = true;
      BOOST_TEST(row.winner == "");
      BOOST_TEST(row.note.find("1 of 3 of b have a value") != std::string::npos, row.note);
    }
    if (row.key == "error_rate") {
      saw_errors = true;
      BOOST_TEST(row.b == 0.3);
      BOOST_TEST(row.winner == "a");
      BOOST_TEST(RatioText(row) == "+30.00 pt");
    }
  }
  BOOST_TEST(saw_rate);
  BOOST_TEST(saw_errors);
}
