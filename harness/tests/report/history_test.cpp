// The history database: runs added once, a metric's trend in time order, its drift and chart.
#include <fmt/format.h>
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <filesystem>
#include <fstream>

#include "gate/json_codec.hpp"
#include "report/history.hpp"

using namespace llmbench;
using namespace llmbench::report;
namespace fs = std::filesystem;

namespace {

// A results.json of one case with one level whose TTFT p50 is `ttft` ms.
void WriteRun(const fs::path& dir, const std::string& started, const std::string& commit, double ttft) {
  fs::create_directories(dir);
  metrics::Summary s;
  s.load_level = scenario::Level::Closed(8);
  s.requests = s.succeeded = 64;
  s.level["output_throughput"] = 1000;
  s.distributions = {{"ttft", {64, ttft, 1, ttft * 0.8, ttft * 1.5, ttft, ttft * 1.1, ttft * 1.2, ttft * 1.4}}};
  const nlohmann::json results = {
      {"schema", gate::kResultsSchema},
      {"provenance", {{"started_utc", started}, {"host", "ci"}, {"git_commit", commit}, {"harness_version", "0.1.0"}}},
      {"cases", {{{"id", "s/e/c"}, {"levels", {{{"summary", gate::ToJson(s)}}}}}}}};
  std::ofstream(dir / "results.json") << results.dump();
}

}  // namespace

BOOST_AUTO_TEST_CASE(history_keeps_each_run_once_and_shows_a_slow_drift) {
  const fs::path dir = fs::temp_directory_path() / "llmbench-history-test";
  fs::remove_all(dir);
  // Five runs, TTFT 1 % slower each: no single step crosses a 5 % tolerance; the trend shows it.
  for (int i = 0; i < 5; ++i) {
    WriteRun(dir / ("run" + std::to_string(i)), fmt::format("2026-12-0{}T10:00:00Z", i + 1),
             fmt::format("{:07x}abcdef", 0xa0 + i), 50.0 * std::pow(1.01, i));
  }
  History h((dir / "history.sqlite").string());
  const auto added = h.Add({(dir / "run0").string(), (dir / "run1").string()});
  BOOST_TEST(added == 2 * 4);                  // per run: ttft p50, p95, p99 and the output throughput
  BOOST_TEST(h.Add({dir.string()}) == 3 * 4);  // the 3 new runs; the 2 known ones not again
  BOOST_TEST(h.Add({dir.string()}) == 0);
  const auto points = h.Trend("s/e/c", "ttft.p50");
  BOOST_TEST_REQUIRE(points.size() == 5u);
  BOOST_TEST(points.front().started_utc == "2026-12-01T10:00:00Z");  // oldest first
  BOOST_TEST(points.back().value == 50.0 * std::pow(1.01, 4), boost::test_tools::tolerance(1e-9));
  const auto lines = DescribeTrend("ttft.p50", points);
  BOOST_TEST_REQUIRE(lines.size() == 1u);
  BOOST_TEST(lines[0].find("ttft.p50 at c=8: 50.00 ms → 52.03 ms over 5 runs (+4.1 %)") != std::string::npos, lines[0]);
  BOOST_TEST(lines[0].find("least-squares trend +1.00 % per run") != std::string::npos, lines[0]);
  const std::string svg = TrendSvg("s/e/c", "ttft.p50", points);
  BOOST_TEST(svg.find(">00000a0</text>") != std::string::npos);  // runs labelled by commit
  BOOST_TEST(svg.find("ttft.p50 (ms) (axis from 0)") != std::string::npos);
  BOOST_TEST(h.Cases() == std::vector<std::string>{"s/e/c"});
  BOOST_TEST(h.Trend("s/e/c", "ttft.p50", "c=1").empty());
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_history_database_that_cannot_be_opened_says_why) {
  try {
    History h("/proc/no-such-dir/history.sqlite");
    BOOST_FAIL("opened");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find("cannot open the history database /proc/no-such-dir/history.sqlite") == 0,
               e.what());
  }
}
