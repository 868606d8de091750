// End to end, the regression gate: CTest discovery in a separate CMake project that include()s
// harness/cmake/LLMBench.cmake, and gate quality against the simulator.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "e2e/process.hpp"
#include "test_support.hpp"

using namespace llmbench::testing;
using nlohmann::json;

namespace {

const std::string kLlmbench = llmbench::testing::kLlmbenchBinary;
const std::string kSource = llmbench::testing::kSourceDir;

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string SimScenario(const std::string& decode_step) {
  return "schema = 1\nthresholds = [\"errors.rate < 1%\"]\n[engines.sim]\nprotocol = \"sim\"\n[engines.sim.simulator]\n"
         "prefill_base = \"5ms\"\nprefill_per_token = \"0ns\"\ndecode_step = \"" +
         decode_step +
         "\"\ndecode_per_seq = \"0ns\"\njitter = \"5%\"\n[classes.c]\ninput_tokens = 32\noutput_tokens = 16\n"
         "[load]\nconcurrency = [4]\nrequests = 80\nwarmup = 4\n";
}

int CountTests(const std::string& listing) {
  std::smatch m;
  return std::regex_search(listing, m, std::regex("Total Tests: (\\d+)")) ? std::stoi(m[1]) : -1;
}

json Verdict(const std::string& dir) {
  std::ifstream in(dir + "/verdicts.json");
  return json::parse(in)[0];
}

const json* FindComparison(const json& verdict, const std::string& metric, const std::string& statistic) {
  for (const auto& c : verdict["comparisons"]) {
    if (c["metric"] == metric && c["statistic"] == statistic) return &c;
  }
  return nullptr;
}

// The runner itself was busy (this VM's hypervisor steals time in bursts): the gate then says
// inconclusive and why, which is the right answer, not a flake of the gate.
// (or its noise was too large to resolve ±5 % this time: also inconclusive, and said so).
bool InconclusiveOnBusyRunner(const json& v) { return v["outcome"] == "inconclusive" && !v["reasons"].empty(); }

}  // namespace

BOOST_AUTO_TEST_CASE(ctest_discovers_scenarios_on_every_run_without_reconfiguring) {
  TempDir dir("discovery");
  std::filesystem::create_directories(dir / "scenarios");
  Write(dir / "CMakeLists.txt",
        "cmake_minimum_required(VERSION 3.25)\nproject(consumer NONE)\nenable_testing()\n"
        "include(" +
            kSource +
            "/harness/cmake/LLMBench.cmake)\n"
            "llmbench_add_scenarios(DIR scenarios LLMBENCH " +
            kLlmbench + " SHARDS 3 LABELS consumer)\n");
  Write(dir / "scenarios/a.toml", SimScenario("1ms"));
  auto [code, out] = RunCommand("cmake -S " + dir / "" + " -B " + dir / "build");
  BOOST_TEST_REQUIRE(code == 0, out);
  std::tie(code, out) = RunCommand("ctest --test-dir " + dir / "build" + " -N");
  BOOST_TEST(CountTests(out) == 3, out);  // a/sim/c + prepare + report
  BOOST_TEST(out.find("a/sim/c") != std::string::npos, out);

  // A new file: listed on the next ctest, no cmake run.
  std::string second = SimScenario("1ms");
  second.replace(second.find("[classes.c]"), 11, "[classes.x]\ninput_tokens = 8\noutput_tokens = 4\n[classes.c]");
  Write(dir / "scenarios/b.toml", second);
  std::tie(code, out) = RunCommand("ctest --test-dir " + dir / "build" + " -N");
  BOOST_TEST(CountTests(out) == 5, out);
  BOOST_TEST(out.find("b/sim/x") != std::string::npos, out);

  // Labels: llmbench, scenario, engine, class, shard, and the LABELS given.
  std::tie(code, out) = RunCommand("ctest --test-dir " + dir / "build" + " -N -L '^consumer$'");
  BOOST_TEST(CountTests(out) == 5, out);  // 3 cases + the fixture tests they pull in
  std::tie(code, out) = RunCommand("ctest --test-dir " + dir / "build" + " -N -L '^shard[123]of3$'");
  BOOST_TEST(out.find("a/sim/c") != std::string::npos, out);

  // A broken file: one failing test that prints the error; the others still run.
  Write(dir / "scenarios/c.toml", "schema = 1\n[load]\nconcurency = [1]\n");
  std::tie(code, out) =
      RunCommand("ctest --test-dir " + dir / "build" + " --output-on-failure -R 'c/invalid-scenario'");
  BOOST_TEST(code != 0);
  BOOST_TEST(out.find("unknown key (did you mean 'concurrency'?)") != std::string::npos, out);

  // Removing files removes tests; the whole run then writes the merged reports.
  std::filesystem::remove(dir / "scenarios/b.toml");
  std::filesystem::remove(dir / "scenarios/c.toml");
  std::tie(code, out) = RunCommand("ctest --test-dir " + dir / "build" + " --output-on-failure");
  BOOST_TEST(code == 0, out);
  BOOST_TEST(CountTests(RunCommand("ctest --test-dir " + dir / "build" + " -N").second) == 3);
  std::tie(code, out) = RunCommand("xmllint --noout --schema " + kSource + "/harness/tests/data/junit-10.xsd " +
                                   dir / "reports/junit.xml");
  BOOST_TEST(code == 0, out);
  std::ifstream summary(dir / "reports/summary.md");
  std::string first_line;
  std::getline(summary, first_line);
  BOOST_TEST(first_line.find("✅ llmbench: 1 passed") != std::string::npos, first_line);

  // Each ctest run writes into a folder of its own; an earlier run's results are not deleted.
  const auto runs = [&] {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir / "reports/runs")) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto before = runs();
  BOOST_TEST_REQUIRE(!before.empty());
  BOOST_TEST(std::filesystem::exists(before.back() / "cases/a/sim/c/results.json"));
  BOOST_TEST(std::filesystem::exists(before.back() / "junit.xml"));
  std::tie(code, out) = RunCommand("ctest --test-dir " + dir / "build" + " --output-on-failure");
  BOOST_TEST(code == 0, out);
  const auto after = runs();
  BOOST_TEST(after.size() == before.size() + 1);
  BOOST_TEST(std::filesystem::exists(before.back() / "cases/a/sim/c/results.json"));  // still there
  BOOST_TEST(std::filesystem::equivalent(dir / "reports/latest", after.back()));
  BOOST_TEST(std::filesystem::exists(dir / "reports/latest/cases/a/sim/c/results.json"));
}

// With run-to-run drift on (every simulator start and every 0.5 s draw their own speed factor),
// blessed the documented way (three sessions pooled by `baseline update`).
BOOST_AUTO_TEST_CASE(gate_with_drift_passes_unchanged_fails_20_percent_slower_is_inconclusive_when_noise_hides_10) {
  TempDir dir("gate");
  const std::string drift = "run_drift = \"1%\"\ndrift = \"1%\"\ndrift_period = \"500ms\"\n";
  const auto scenario = [&](const std::string& step, const std::string& noise) {
    std::string s = SimScenario(step);
    s.insert(s.find("[classes.c]"), noise);
    return s;
  };
  const std::string run = kLlmbench + " run " + dir / "g.toml";
  const std::string gated = run + " --baselines " + dir / "baselines";
  Write(dir / "g.toml", scenario("2ms", drift));
  for (const char* session : {"s1", "s2", "s3"}) {
    auto [code, out] = RunCommand(run + " --out " + dir / session);
    BOOST_TEST_REQUIRE(code == 0, out);
  }
  auto [code, out] = RunCommand(kLlmbench + " baseline update " + dir / "s1" + " " + dir / "s2" + " " + dir / "s3" +
                                " --baselines " + dir / "baselines");
  BOOST_TEST_REQUIRE(code == 0, out);
  BOOST_TEST(out.find("3 session(s) from 3 results file(s), 9 runs") != std::string::npos, out);
  BOOST_TEST(out.find("tpot.p50 σ_run") != std::string::npos, out);
  BOOST_TEST(std::filesystem::exists(dir / "baselines/g/sim/c.json"));

  std::tie(code, out) = RunCommand(gated + " --out " + dir / "same");
  json v = Verdict(dir / "same");
  BOOST_TEST((code == 0 || InconclusiveOnBusyRunner(v)), out);
  BOOST_TEST((v["outcome"] == "passed" || InconclusiveOnBusyRunner(v)), out);
  BOOST_TEST(v["baseline"]["state"] == "compared");

  Write(dir / "g.toml", scenario("2.4ms", drift));  // decode step 20 % slower
  for (int attempt = 0; attempt < 3; ++attempt) {   // a busy runner gets two more chances
    std::tie(code, out) = RunCommand(gated + " --out " + dir / "slow");
    v = Verdict(dir / "slow");
    if (!InconclusiveOnBusyRunner(v)) break;
  }
  if (kSanitized && InconclusiveOnBusyRunner(v)) {
    BOOST_TEST_MESSAGE(
        "sanitizer build: every run ran on a busy runner (the sanitizers' CPU cost), so the 20 % "
        "slowdown is inconclusive, as the gate must say; its verdicts are checked by the normal build");
    return;
  }
  BOOST_TEST(code == 1, out);
  BOOST_TEST(v["outcome"] == "failed");
  BOOST_TEST(v["attempt"] == 2);  // confirmed by re-measuring
  const json* tpot = FindComparison(v, "tpot", "p50");
  BOOST_TEST_REQUIRE(tpot);
  BOOST_TEST((*tpot)["verdict"] == "regressed");
  BOOST_TEST((*tpot)["change"].get<double>() == 0.2, boost::test_tools::tolerance(0.25));
  BOOST_TEST(v["reasons"].dump().find("tpot.p50 at concurrency 4 regressed +") != std::string::npos,
             v["reasons"].dump());
  BOOST_TEST(out.find("re-measuring to confirm") != std::string::npos, out);

  // compare judges exactly like run --baselines: same outcome, same comparisons.
  std::tie(code, out) = RunCommand(kLlmbench + " compare " + dir / "baselines" + " " + dir / "slow/results.json" +
                                   " --verdicts " + dir / "compared.json");
  BOOST_TEST(code == 1, out);
  std::ifstream in(dir / "compared.json");
  const json compared = json::parse(in)[0];
  BOOST_TEST(compared["outcome"] == v["outcome"]);
  BOOST_TEST(compared["attempt"] == v["attempt"]);
  BOOST_TEST(compared["comparisons"] == v["comparisons"]);
  BOOST_TEST(compared["earlier_attempts"] == v["earlier_attempts"]);
  // …and takes a baseline file too.
  std::tie(code, out) =
      RunCommand(kLlmbench + " compare " + dir / "baselines/g/sim/c.json" + " " + dir / "slow/results.json");
  BOOST_TEST(code == 1, out);

  // Acknowledged (e.g. a PR label): the same regression only warns.
  std::tie(code, out) = RunCommand("LLMBENCH_ACCEPT_REGRESSIONS=1 " + gated + " --out " + dir / "ack");
  v = Verdict(dir / "ack");
  BOOST_TEST((code == 0 || InconclusiveOnBusyRunner(v)), out);
  BOOST_TEST((v["acknowledged"] == true || InconclusiveOnBusyRunner(v)), out);

  Write(dir / "g.toml", scenario("1.6ms", drift));  // 20 % faster
  std::tie(code, out) = RunCommand(gated + " --out " + dir / "fast");
  v = Verdict(dir / "fast");
  BOOST_TEST((code == 0 || InconclusiveOnBusyRunner(v)), out);
  tpot = FindComparison(v, "tpot", "p50");
  BOOST_TEST_REQUIRE(tpot);
  BOOST_TEST((*tpot)["verdict"] == "improved", out);

  // Runners whose speed differs by 25 % (σ of ln) from one CI job to the next, for the blessing's
  // sessions as for the run: the between-session spread that the blessing measures hides a 10 %
  // change, so the honest verdict is inconclusive (exit 77, ctest's skip), neither a pass nor a
  // failure. (A drift within a job of similar size does not hide a change the same way: runs in
  // one slow stretch look like a clean, significant change, and the gate says so.)
  //
  // Which runner a job lands on is pinned (drift_seed), not drawn afresh: with fresh draws the
  // three blessing sessions sometimes happen to agree (σ from 2 dof) and the run lands 20 % fast,
  // and then "not worse than the baseline" is the right verdict, not a flake to retry. Seeds 9, 4
  // and 7 give runners at z = +1.09, −0.80, −0.13 (sample σ 0.96 · 25 %), seed 5 one at z = +0.03,
  // so the 10 % change meets a typical spread, not a lucky one.
  // The busy-runner gauge is not what this part tests: a session it leaves out (under ASan the
  // harness's own threads wait ~20 µs per timeslice) would leave the blessing too few to see the
  // spread between sessions, so its limit is out of the way here.
  const auto heavy = [](int seed) {
    return "run_drift = \"25%\"\ndrift_seed = " + std::to_string(seed) + "\n[gate]\nmax_wait_per_slice = \"1s\"\n";
  };
  const std::pair<const char*, int> sessions[] = {{"h1", 9}, {"h2", 4}, {"h3", 7}};
  for (const auto& [session, seed] : sessions) {
    Write(dir / "g.toml", scenario("2ms", heavy(seed)));
    std::tie(code, out) = RunCommand(run + " --out " + dir / session);
    BOOST_TEST_REQUIRE(code == 0, out);
  }
  std::tie(code, out) = RunCommand(kLlmbench + " baseline update " + dir / "h1" + " " + dir / "h2" + " " + dir / "h3" +
                                   " --baselines " + dir / "noisy-baselines");
  BOOST_TEST_REQUIRE(code == 0, out);
  BOOST_TEST(out.find("cannot resolve") != std::string::npos, out);  // the blessing says so itself
  Write(dir / "g.toml", scenario("2.2ms", heavy(5)));
  std::tie(code, out) = RunCommand(run + " --baselines " + dir / "noisy-baselines" + " --out " + dir / "noisy");
  BOOST_TEST(code == 77, out);
  v = Verdict(dir / "noisy");
  BOOST_TEST(v["outcome"] == "inconclusive", out);
  BOOST_TEST(v["reasons"].dump().find("cannot resolve") != std::string::npos, v["reasons"].dump());
  BOOST_TEST(out.find("verdict: inconclusive") != std::string::npos, out);
}

// One long case spread over CI jobs: a test per level (SPLIT_LEVELS / list --split-levels), each
// run with --level against the whole case's baseline, blessed without losing the other levels,
// and merged back into one case by `llmbench report`.
BOOST_AUTO_TEST_CASE(a_case_split_by_level_runs_blesses_and_reports_as_one_case) {
  TempDir dir("split-levels");
  Write(dir / "s.toml",
        "schema = 1\n[engines.sim]\nprotocol = \"sim\"\n[engines.sim.simulator]\ndecode_step = \"2ms\"\n"
        "[classes.a]\ninput_tokens = 50\noutput_tokens = 8\n[load]\nconcurrency = [1, 4]\nrate = [20]\n"
        "requests = 10\nwarmup = 1\nrepetitions = 3\n");
  auto [code, out] = RunCommand(kLlmbench + " list --ctest --split-levels " + dir / "s.toml");
  BOOST_TEST_REQUIRE(code == 0, out);
  for (const char* level : {"c1", "c4", "r20"}) {
    BOOST_TEST(out.find(std::string("add_test([[s/sim/a@") + level + "]]") != std::string::npos, level << "\n" << out);
    BOOST_TEST(out.find(std::string("--level [[") + level + "]]") != std::string::npos, level);
    BOOST_TEST(out.find(std::string("level:") + level) != std::string::npos, level);
  }
  std::tie(code, out) = RunCommand(kLlmbench + " run " + dir / "s.toml" + " --level c9 --out " + dir / "bad");
  BOOST_TEST(code == 2, out);
  BOOST_TEST(out.find("no level named 'c9' (defined: c1, c4, r20)") != std::string::npos, out);

  // The whole case blessed once; then a shard re-blesses its level and keeps the others.
  std::tie(code, out) =
      RunCommand(kLlmbench + " run " + dir / "s.toml" + " --out " + dir / "full --baselines " + dir / "base --bless");
  BOOST_TEST_REQUIRE(code == 0, out);
  std::tie(code, out) = RunCommand(kLlmbench + " run " + dir / "s.toml" + " --level r20 --out " + dir / "r20" +
                                   " --baselines " + dir / "base --bless");
  BOOST_TEST_REQUIRE(code == 0, out);
  BOOST_TEST(out.find("and 6 runs of its other levels kept") != std::string::npos, out);
  std::ifstream in(dir / "base/s/sim/a.json");
  const json base = json::parse(in);
  std::map<std::string, int> runs;
  for (const auto& r : base["runs"])
    runs[r.contains("rate") ? "r" : "c" + std::to_string(r["concurrency"].get<int>())]++;
  BOOST_TEST((runs == std::map<std::string, int>{{"c1", 3}, {"c4", 3}, {"r", 3}}));

  std::tie(code, out) = RunCommand(kLlmbench + " run " + dir / "s.toml" + " --level c4 --out " + dir / "c4" +
                                   " --baselines " + dir / "base");
  const json shard = Verdict(dir / "c4");
  BOOST_TEST_REQUIRE((code == 0 || (code == 77 && InconclusiveOnBusyRunner(shard))), out);
  BOOST_TEST(shard["baseline"]["state"] == "compared");
  BOOST_TEST(!shard["comparisons"].empty());
  for (const auto& c : shard["comparisons"]) BOOST_TEST(c["concurrency"] == 4, c.dump());  // its level only
  std::ifstream results_in(dir / "c4/results.json");
  const json results = json::parse(results_in);
  BOOST_TEST(results["cases"][0]["levels"].size() == 1u);

  // `baseline update` over shards of one session: one session per level, not one per file.
  std::tie(code, out) =
      RunCommand(kLlmbench + " baseline update " + dir / "c4" + " " + dir / "r20" + " --baselines " + dir / "pooled");
  BOOST_TEST_REQUIRE(code == 0, out);
  BOOST_TEST(out.find("s/sim/a: 1 session(s) from 2 results file(s), 6 runs") != std::string::npos, out);

  // Two shards blessing one new baseline at the same time: both levels are in it.
  std::pair<int, std::string> other;
  std::thread c1([&] {
    other = RunCommand(kLlmbench + " run " + dir / "s.toml" + " --level c1 --out " + dir / "p1" + " --baselines " +
                       dir / "both --bless");
  });
  std::tie(code, out) = RunCommand(kLlmbench + " run " + dir / "s.toml" + " --level c4 --out " + dir / "p4" +
                                   " --baselines " + dir / "both --bless");
  c1.join();
  BOOST_TEST_REQUIRE(code == 0, out);
  BOOST_TEST_REQUIRE(other.first == 0, other.second);
  std::ifstream both_in(dir / "both/s/sim/a.json");
  const json both = json::parse(both_in);
  std::set<int> blessed;
  for (const auto& r : both["runs"]) blessed.insert(r["concurrency"].get<int>());
  BOOST_TEST((blessed == std::set<int>{1, 4}));

  // A shard given twice is read once.
  std::tie(code, out) =
      RunCommand(kLlmbench + " report " + dir / "c4" + " " + dir / "r20" + " " + dir / "c4" + " --out " + dir / "rep");
  BOOST_TEST_REQUIRE(code == 0, out);
  BOOST_TEST(out.find("1 cases") != std::string::npos, out);
  std::ifstream md_in(dir / "rep/summary.md");
  const std::string md((std::istreambuf_iterator<char>(md_in)), std::istreambuf_iterator<char>());
  BOOST_TEST(md.find("| requests (failed) | 30 (0) | 30 (0) |") != std::string::npos, md);  // c4 and r20, one case
  // The c1 shard was not run here: a note; in the final merge of CI shards (--complete) it never
  // arrived, its levels were never judged, and the case is an error (not a pass).
  BOOST_TEST(md.find("no results for level(s) c1 of this case (not run here)") != std::string::npos, md);
  std::tie(code, out) =
      RunCommand(kLlmbench + " report " + dir / "c4" + " " + dir / "r20" + " --complete --out " + dir / "full");
  BOOST_TEST_REQUIRE(code == 0, out);
  std::ifstream full_in(dir / "full/summary.md");
  const std::string full((std::istreambuf_iterator<char>(full_in)), std::istreambuf_iterator<char>());
  BOOST_TEST(full.find("no results for level(s) c1 of this case: a shard is missing") != std::string::npos, full);
  BOOST_TEST(full.find("1 errors") != std::string::npos, full);
}
