// `llmbench report DIR... --out DIR`: merge per-case verdicts and results into junit.xml and
// summary.md (the CTest fixture's cleanup step runs this after the last case).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "base/atomic_file.hpp"
#include "base/version.hpp"
#include "report/charts.hpp"
#include "report/engine_compare.hpp"
#include "report/history.hpp"
#include "report/provenance.hpp"
#include "report/run_report.hpp"

namespace llmbench::app {
namespace {

struct ReportOptions {
  std::vector<std::string> dirs;
  std::string out = "reports";
  std::vector<std::string> compare;  ///< --compare A B
  std::string history;               ///< --history DB: add this report's runs to the history database
  bool complete = false;             ///< --complete: a case's missing levels are an error
  std::vector<std::string> also;     ///< the same files written here too (a fixed path CI reads)
  std::size_t max_chars = 65536;
  std::string charts_url = "charts/";        ///< where summary.md links the chart files
  std::string generated_utc, host, version;  ///< injected for reproducible output; default: now, this host, this build
};

// charts/: one SVG file per chart; an earlier report's SVG files there go first (a chart this
// report does not draw must not be linked from an old file).
void WriteCharts(const std::string& dir, const std::vector<report::Chart>& charts) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".svg") fs::remove(entry.path());
  }
  for (const auto& c : charts) WriteFileAtomically(dir + "/" + c.file, [&](std::ostream& s) { s << c.svg; });
}

int Report(ReportOptions o) {
  if (o.generated_utc.empty()) o.generated_utc = report::UtcNow();
  if (o.host.empty()) o.host = report::HostName();
  if (o.version.empty()) o.version = kVersion;
  try {
    report::RunReport r = report::CollectRunReport(o.dirs, o.complete);
    r.generated_utc = o.generated_utc;
    r.host = o.host;
    r.harness_version = o.version;
    r.charts_url = o.charts_url;
    if (!o.compare.empty()) {
      r.compare_a = o.compare[0];
      r.compare_b = o.compare[1];
      report::CompareEngines(r, r.compare_a, r.compare_b);  // throws when they never ran side by side
    }
    if (!o.history.empty()) {
      const std::int64_t added = report::History(o.history).Add(o.dirs);
      fmt::print("history: {} measurements added to {} (`llmbench history show CASE --db {}`)\n", added, o.history,
                 o.history);
    }
    std::vector<std::string> outs{o.out};
    outs.insert(outs.end(), o.also.begin(), o.also.end());
    const std::vector<report::Chart> charts = report::BuildCharts(r);
    for (const auto& dir : outs) {
      std::filesystem::create_directories(dir);
      WriteCharts(dir + "/charts", charts);
      WriteFileAtomically(dir + "/junit.xml", [&](std::ostream& s) { report::WriteJUnit(r, s); });
      WriteFileAtomically(dir + "/summary.md", [&](std::ostream& s) { report::WriteMarkdown(r, s, o.max_chars); });
      WriteFileAtomically(dir + "/index.html", [&](std::ostream& s) { report::WriteHtml(r, s); });
      fmt::print("{} cases → {}/junit.xml, {}/summary.md, {}/index.html, {} charts in {}/charts/\n", r.cases.size(),
                 dir, dir, dir, charts.size(), dir);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command AddReportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("report",
                                 "Merge per-case results (verdicts.json + results.json) into junit.xml and summary.md");
  auto o = std::make_shared<ReportOptions>();
  cmd->add_option("dirs", o->dirs, "Directories searched recursively for verdicts.json (several: merge shards)")
      ->required();
  cmd->add_option("--out", o->out, "Where junit.xml and summary.md go")->capture_default_str();
  cmd->add_option("--compare", o->compare,
                  "Engines A B side by side (default: with several engines, the first against each other)")
      ->expected(2);
  cmd->add_option("--history", o->history, "Also add these runs' summaries to this SQLite history database");
  cmd->add_flag("--complete", o->complete,
                "Every level of each case must be here (the final merge of CI shards): a case split by level "
                "whose shard is missing is an error, not a note");
  cmd->add_option("--also", o->also, "Write the same files here too (repeatable)");
  cmd->add_option("--max-chars", o->max_chars, "Size limit of summary.md (a PR comment takes 65,536)")
      ->capture_default_str();
  cmd->add_option("--charts-url", o->charts_url,
                  "Where summary.md links the SVG chart files (default: charts/ beside it; e.g. the URL where CI "
                  "publishes the report folder)")
      ->capture_default_str();
  cmd->add_option("--generated-utc", o->generated_utc, "Timestamp to print (default: now)");
  cmd->add_option("--host", o->host, "Host name to print (default: this host)");
  cmd->add_option("--harness-version", o->version, "Version to print (default: this build)");
  return [o] { return Report(*o); };
}

}  // namespace llmbench::app
