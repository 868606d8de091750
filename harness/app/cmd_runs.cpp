// `llmbench runs new|prune|list REPORTS`: the run folders under REPORTS/runs/ (report/run_dirs.hpp).
// The CTest fixture's prepare step runs `runs new` before the first case: every ctest invocation
// gets a folder of its own, REPORTS/latest points at it, and earlier runs stay until pruned.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "report/provenance.hpp"
#include "report/run_dirs.hpp"

namespace llmbench::app {
namespace {

struct RunsOptions {
  std::string reports = "reports";
  std::string keep;  ///< runs to keep; "" = LLMBENCH_KEEP_RUNS, else all
};

// --keep N, else LLMBENCH_KEEP_RUNS, else 0 (keep every run). Throws on a bad count.
std::size_t KeepCount(const std::string& option) {
  std::string text = option;
  if (text.empty()) {
    const char* env = std::getenv("LLMBENCH_KEEP_RUNS");
    text = env != nullptr ? env : "0";
  }
  char* end = nullptr;
  const long long n = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != 0 || n < 0)
    throw std::runtime_error(fmt::format("keep '{}': expected a count of runs (0 = keep all)", text));
  return static_cast<std::size_t>(n);
}

void PrintPruned(const std::vector<std::string>& removed, const std::string& reports) {
  for (const auto& r : removed) fmt::print("pruned {}/runs/{}\n", reports, r);
}

int New(const RunsOptions& o) {
  try {
    const std::size_t keep = KeepCount(o.keep);
    // 20261207T063000.123Z: sorts by time, to the millisecond (two ctest runs in one second).
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::string stamp = fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    std::random_device rd;
    const std::string dir =
        report::NewRunDir(o.reports, report::RunDirName(stamp, fmt::format("{:06x}", rd() & 0xffffff)));
    fmt::print("this run's reports: {} ({}/latest points at it)\n", dir, o.reports);
    PrintPruned(report::PruneRunDirs(o.reports, keep), o.reports);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  return kExitOk;
}

int Prune(const RunsOptions& o) {
  try {
    const std::size_t keep = KeepCount(o.keep);
    if (keep == 0) throw std::runtime_error("prune needs --keep N (N ≥ 1): how many of the newest runs to keep");
    const auto removed = report::PruneRunDirs(o.reports, keep);
    PrintPruned(removed, o.reports);
    fmt::print("{} run(s) pruned, {} kept\n", removed.size(), report::ListRunDirs(o.reports).size());
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  return kExitOk;
}

int List(const RunsOptions& o) {
  for (const auto& r : report::ListRunDirs(o.reports)) fmt::print("{}/runs/{}\n", o.reports, r);
  return kExitOk;
}

}  // namespace

Command AddRunsCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("runs", "The run folders under REPORTS/runs/ (each ctest invocation's reports)");
  cmd->require_subcommand(1);
  auto o = std::make_shared<RunsOptions>();
  auto* make = cmd->add_subcommand("new", "Start a run folder and point REPORTS/latest at it");
  auto* prune = cmd->add_subcommand("prune", "Delete the oldest run folders, keeping the newest N");
  auto* list = cmd->add_subcommand("list", "The run folders, oldest first");
  for (auto* sub : {make, prune, list})
    sub->add_option("reports", o->reports, "Reports directory")->capture_default_str();
  make->add_option("--keep", o->keep, "Then prune to the newest N runs (default: LLMBENCH_KEEP_RUNS, else keep all)");
  prune->add_option("--keep", o->keep, "How many of the newest runs to keep (default: LLMBENCH_KEEP_RUNS)");
  return [o, make, prune] { return make->parsed() ? New(*o) : prune->parsed() ? Prune(*o) : List(*o); };
}

}  // namespace llmbench::app
