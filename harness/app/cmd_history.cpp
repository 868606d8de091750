// `llmbench history add|show|list`: every run's summary in a local SQLite database
// (report/history.hpp), and a metric's trend over commits as text and SVG. The CTest fixture's
// report step adds each run (`llmbench report --history`).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "base/atomic_file.hpp"
#include "report/history.hpp"

namespace llmbench::app {
namespace {

struct HistoryOptions {
  std::string db = "reports/history.sqlite";
  std::vector<std::string> dirs;
  std::string case_id, metric = "ttft.p50", level, svg;
};

int Add(const HistoryOptions& o) {
  const std::int64_t added = report::History(o.db).Add(o.dirs);
  fmt::print("{} measurements added to {}\n", added, o.db);
  return kExitOk;
}

int Show(const HistoryOptions& o) {
  const auto& kept = report::HistoryMetrics();
  if (std::find(kept.begin(), kept.end(), o.metric) == kept.end())
    throw std::runtime_error(fmt::format("--metric {}: the history keeps {}", o.metric, fmt::join(kept, ", ")));
  const report::History history(o.db);
  const auto points = history.Trend(o.case_id, o.metric, o.level);
  if (points.empty()) {
    const auto cases = history.Cases();
    throw std::runtime_error(fmt::format("{} holds no {} of {}{}; cases: {}", o.db, o.metric, o.case_id,
                                         o.level.empty() ? "" : " at " + o.level,
                                         cases.empty() ? "none yet" : fmt::format("{}", fmt::join(cases, ", "))));
  }
  for (const auto& p : points)
    fmt::print("{}  {:<8} {:<8} {:>12.4g}  {}\n", p.started_utc, p.git_commit.substr(0, 8), p.level, p.value, p.host);
  for (const auto& line : report::DescribeTrend(o.metric, points)) fmt::print("{}\n", line);
  if (!o.svg.empty()) {
    WriteFileAtomically(o.svg, [&](std::ostream& out) { out << report::TrendSvg(o.case_id, o.metric, points); });
    fmt::print("chart: {}\n", o.svg);
  }
  return kExitOk;
}

int List(const HistoryOptions& o) {
  for (const auto& c : report::History(o.db).Cases()) fmt::print("{}\n", c);
  return kExitOk;
}

}  // namespace

Command AddHistoryCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("history", "Every run's summary in a local SQLite database, and a metric's trend");
  cmd->require_subcommand(1);
  auto o = std::make_shared<HistoryOptions>();
  auto* add = cmd->add_subcommand("add", "Add the results.json files under DIRs (a run already there is skipped)");
  auto* show = cmd->add_subcommand("show", "A metric of a case over the runs: a table, the drift, an SVG chart");
  auto* list = cmd->add_subcommand("list", "The cases in the database");
  for (auto* sub : {add, show, list}) sub->add_option("--db", o->db, "The database")->capture_default_str();
  add->add_option("dirs", o->dirs, "Run folders (searched recursively for results.json)")->required();
  show->add_option("case", o->case_id, "Case id: scenario/engine/class")->required();
  show->add_option("--metric", o->metric, "ttft.p50, tpot.p50, output_throughput, …")->capture_default_str();
  show->add_option("--level", o->level, "Only this level (c=8, r=10); default: every level");
  show->add_option("--svg", o->svg, "Also draw the trend into this SVG file");
  return [o, add, show] {
    try {
      return add->parsed() ? Add(*o) : show->parsed() ? Show(*o) : List(*o);
    } catch (const std::exception& e) {
      fmt::print(stderr, "error: {}\n", e.what());
      return kExitBadInput;
    }
  };
}

}  // namespace llmbench::app
