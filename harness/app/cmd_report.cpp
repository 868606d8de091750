// `llmbench report DIR... --out DIR`: merge per-case verdicts and results into junit.xml and
// summary.md (the CTest fixture's cleanup step runs this after the last case).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "base/atomic_file.hpp"
#include "base/version.hpp"
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
  std::string generated_utc, host, version;  ///< injected for reproducible output; default: now, this host, this build
};

int Report(ReportOptions o) {
  if (o.generated_utc.empty()) o.generated_utc = report::UtcNow();
  if (o.host.empty()) o.host = report::HostName();
  if (o.version.empty()) o.version = kVersion;
  try {
    report::RunReport r = report::CollectRunReport(o.dirs, o.complete);
    r.generated_utc = o.generated_utc;
    r.host = o.host;
    r.harness_version = o.version;
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
    for (const auto& dir : outs) {
      std::filesystem::create_directories(dir);
      WriteFileAtomically(dir + "/junit.xml", [&](std::ostream& s) { report::WriteJUnit(r, s); });
      WriteFileAtomically(dir + "/summary.md", [&](std::ostream& s) { report::WriteMarkdown(r, s, o.max_chars); });
      WriteFileAtomically(dir + "/index.html", [&](std::ostream& s) { report::WriteHtml(r, s); });
      fmt::print("{} cases → {}/junit.xml, {}/summary.md, {}/index.html\n", r.cases.size(), dir, dir, dir);
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
  cmd->add_option("--generated-utc", o->generated_utc, "Timestamp to print (default: now)");
  cmd->add_option("--host", o->host, "Host name to print (default: this host)");
  cmd->add_option("--harness-version", o->version, "Version to print (default: this build)");
  return [o] { return Report(*o); };
}

}  // namespace llmbench::app
