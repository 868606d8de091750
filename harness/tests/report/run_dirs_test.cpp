// Run folders: each run its own, latest on the newest, nothing deleted but by an explicit prune.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "report/run_dirs.hpp"

using namespace llmbench::report;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(each_run_gets_a_folder_latest_follows_and_only_prune_deletes) {
  const fs::path reports = fs::temp_directory_path() / "llmbench-run-dirs-test";
  fs::remove_all(reports);
  // Results from before run folders: a real folder named latest is kept, not overwritten.
  fs::create_directories(reports / "latest/cases/a");
  std::ofstream(reports / "latest/cases/a/results.json") << "{}";
  const std::string first = NewRunDir(reports.string(), RunDirName("20991231T000000Z", "aaaaaa"));
  // Named for its own (earlier) time: it sorts before every later run.
  const auto moved = ListRunDirs(reports.string()).front();
  BOOST_TEST(moved.find("-moved-earlier") != std::string::npos, moved);
  BOOST_TEST(fs::exists(reports / "runs" / moved / "cases/a/results.json"));
  fs::create_directories(reports / "runs/zz-manual");  // not a run folder: never listed, never pruned
  BOOST_TEST(fs::is_symlink(reports / "latest"));
  std::ofstream(fs::path(first) / "results.json") << "{}";
  const std::string second = NewRunDir(reports.string(), RunDirName("20991231T000100Z", "bbbbbb"));
  BOOST_TEST(fs::exists(fs::path(first) / "results.json"));  // the earlier run is still there
  BOOST_TEST(fs::equivalent(reports / "latest", second));
  BOOST_TEST(fs::read_symlink(reports / "latest") == fs::path("runs/20991231T000100Z-bbbbbb"));  // relative: movable
  BOOST_CHECK_THROW(NewRunDir(reports.string(), RunDirName("20991231T000100Z", "bbbbbb")), std::runtime_error);
  const auto runs = ListRunDirs(reports.string());
  BOOST_TEST_REQUIRE(runs.size() == 3u);
  BOOST_TEST(runs[1] == "20991231T000000Z-aaaaaa");       // oldest first
  BOOST_TEST(PruneRunDirs(reports.string(), 0).empty());  // 0: keep all
  const auto removed = PruneRunDirs(reports.string(), 1);
  BOOST_TEST(removed.size() == 2u);
  BOOST_TEST(ListRunDirs(reports.string()) == std::vector<std::string>{"20991231T000100Z-bbbbbb"});
  BOOST_TEST(fs::exists(reports / "latest/"));  // the newest, which latest points at, stays
  BOOST_TEST(fs::exists(reports / "runs/zz-manual"));
  fs::remove_all(reports);
}
