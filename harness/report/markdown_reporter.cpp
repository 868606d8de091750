// Markdown summary: verdict line, failures, case tables, charts, folded details; size-bounded.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "metrics/catalog.hpp"
#include "report/charts.hpp"
#include "report/engine_compare.hpp"
#include "report/format.hpp"
#include "report/run_report.hpp"

namespace llmbench::report {
namespace {

using gate::Change;
using gate::Outcome;
using metrics::Stats;

std::string_view Icon(Outcome o) {
  switch (o) {
    case Outcome::Passed:
      return "✅";
    case Outcome::Failed:
      return "❌";
    case Outcome::Error:
      return "⚠️";
    case Outcome::Skipped:
      return "⏭";
    case Outcome::Inconclusive:
      return "❔";
  }
  return "?";
}

// Table cells must not break the table.
std::string Cell(std::string s) { return MarkdownCell(std::move(s)); }

// The comparison to show in the case table for one level (nullptr: any level): a regression if
// any, else an inconclusive one, else TPOT p50, else "insufficient samples".
std::string BaselineCell(const CaseReport& c, const scenario::Level* level) {
  if (c.verdict.baseline_state != "compared") return c.verdict.baseline_state;
  const gate::Comparison* pick = nullptr;
  bool any = false;
  for (const auto& cmp : c.verdict.comparisons) {
    if (level != nullptr && !(cmp.load_level == *level)) continue;
    any = true;
    if (cmp.verdict == Change::Regressed) return fmt::format("🔺 {} {}", MetricLabel(cmp), FormatChange(cmp));
    if (cmp.verdict == Change::Inconclusive)
      return fmt::format("❔ {} {}, MDE {:.1f}%", MetricLabel(cmp), FormatChange(cmp), cmp.mde * 100);
    if (cmp.metric == "tpot" && cmp.verdict != Change::Insufficient) pick = &cmp;
  }
  if (!any) return "-";
  if (!pick) return "insufficient samples";
  const char* mark = pick->verdict == Change::Improved ? "🟢 " : pick->verdict == Change::Warn ? "⚠️ " : "";
  return fmt::format("{}{} {}", mark, MetricLabel(*pick), FormatChange(*pick));
}

// A level in a table's cell: the concurrency alone (closed loop), "r=10" (open loop).
std::string LevelCell(const scenario::Level& l) {
  return l.kind == scenario::Level::Kind::Closed ? std::to_string(l.concurrency) : scenario::ShortLabel(l);
}

// A row per case and level (every level, not only the highest); the case's name and verdict
// on its first row.
std::string CaseTable(const std::vector<const CaseReport*>& cases) {
  std::string t =
      "| case | verdict | level | TTFT p50 (ms) | TTFT p95 (ms) | ITL p50 (ms) | TPOT p50 (ms) | output (tok/s) | "
      "errors | vs baseline |\n"
      "|---|:-:|--:|--:|--:|--:|--:|--:|--:|---|\n";
  for (const CaseReport* c : cases) {
    const std::string name = Cell(c->prompt_class.empty() ? c->engine : c->engine + "/" + c->prompt_class);
    if (c->levels.empty()) {
      t += fmt::format("| {} | {} | - | - | - | - | - | - | - | {} |\n", name, Icon(c->verdict.outcome),
                       Cell(BaselineCell(*c, nullptr)));
      continue;
    }
    bool first = true;
    for (const auto& s : c->levels) {
      const auto stat = [&](const char* m, double Stats::*f) { return OneDecimal(Stat(s, m, f)); };
      t += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", first ? name : "",
                       first ? Icon(c->verdict.outcome) : "", LevelCell(s.load_level), stat("ttft", &Stats::p50),
                       stat("ttft", &Stats::p95), stat("itl", &Stats::p50), stat("tpot", &Stats::p50),
                       s.load_level.search() ? "-" : fmt::format("{:.0f}", LevelMetric(s, "output_throughput")),
                       FormatValue(LevelMetric(s, "error_rate"), "fraction"), Cell(BaselineCell(*c, &s.load_level)));
      first = false;
    }
  }
  return t;
}

// Every gated comparison whose verdict is not "unchanged", across the scenario's cases.
std::string ChangesTable(const std::vector<const CaseReport*>& cases) {
  std::string rows;
  for (const CaseReport* c : cases) {
    for (const auto& cmp : c->verdict.comparisons) {
      if (cmp.verdict == Change::Unchanged) continue;
      rows += fmt::format("| {} | {} | {} | {} |\n", Cell(c->id), LevelCell(cmp.load_level), MetricLabel(cmp),
                          Cell(DescribeComparison(cmp)));
    }
  }
  if (rows.empty()) return "";
  return "**Baseline comparisons that are not unchanged**\n\n| case | level | check | baseline → run, change [95% CI], "
         "MDE, n: verdict |\n|---|--:|---|---|\n" +
         rows + "\n";
}

// Links to the SVG files of the charts `of` selects (a PR comment cannot embed SVG).
std::string ChartLinks(const std::vector<Chart>& charts, const std::string& url,
                       const std::function<bool(const Chart&)>& of) {
  std::string out;
  for (const Chart& c : charts) {
    if (!of(c)) continue;
    const auto dash = c.title.find(" — ");
    out += fmt::format("{}[{}]({}{})", out.empty() ? "" : " · ",
                       Cell(dash == std::string::npos ? c.title : c.title.substr(dash + 5)), url, c.file);
  }
  return out.empty() ? "" : "SVG charts (files in the report artifact): " + out + "\n\n";
}

struct ChartSpec {
  const char* title;
  const char* unit;
  const char* better;
  double (*value)(const metrics::Summary&);
};

const ChartSpec kCharts[] = {
    {"TTFT p50", "ms", "lower is better", [](const metrics::Summary& s) { return Stat(s, "ttft", &Stats::p50); }},
    {"ITL p50", "ms", "lower is better", [](const metrics::Summary& s) { return Stat(s, "itl", &Stats::p50); }},
    {"Output throughput", "tok/s", "higher is better",
     [](const metrics::Summary& s) { return LevelMetric(s, "output_throughput"); }},
};

// Charts of one scenario × class: engines are the series, concurrency the x axis. Mermaid
// xychart-beta has no legend, so each chart comes with its table.
std::string Charts(const std::string& prompt_class, const std::vector<const CaseReport*>& cases) {
  std::set<scenario::Level> levels;
  for (const CaseReport* c : cases) {
    for (const auto& l : c->levels) {
      if (!l.load_level.search()) levels.insert(l.load_level);  // one number, not a point of a curve
    }
  }
  if (levels.size() < 2) return "";
  // Closed-loop levels sort first: all open when the first is, all closed when the last is not.
  const bool all_open = levels.begin()->kind == scenario::Level::Kind::Open,
             all_closed = levels.rbegin()->kind == scenario::Level::Kind::Closed;
  const char* x_title = all_closed ? "concurrency" : all_open ? "rate (req/s)" : "level";
  // A sweep's point ran at each engine's own rate: with several engines, the point alone.
  const auto label = [&](const scenario::Level& l) {
    return l.sweep() && cases.size() > 1 ? fmt::format("sweep {}", l.point) : scenario::ShortLabel(l);
  };
  std::string out;
  for (const auto& chart : kCharts) {
    std::string x, lines, table = "| engine |";
    for (const auto l : levels) {
      x += fmt::format("{}\"{}\"", x.empty() ? "" : ", ",
                       all_closed ? std::to_string(l.concurrency)
                       : all_open ? fmt::format("{:g}", l.rate)
                                  : label(l));
      table += fmt::format(" {} |", label(l));
    }
    table += "\n|---|" + [&] {
      std::string s;
      for (std::size_t i = 0; i < levels.size(); ++i) s += "--:|";
      return s;
    }() + "\n";
    for (const CaseReport* c : cases) {
      if (c->levels.empty()) continue;  // nothing measured (skipped): no line of zeros
      std::string values, row = "| " + Cell(c->engine) + " |";
      for (const auto l : levels) {
        double v = std::nan("");
        for (const auto& s : c->levels) {
          if (s.load_level == l) v = chart.value(s);
        }
        values += fmt::format("{}{}", values.empty() ? "" : ", ", std::isnan(v) ? 0.0 : std::round(v * 100) / 100);
        row += fmt::format(" {} |", OneDecimal(v));
      }
      lines += fmt::format("    line [{}]\n", values);
      table += row + "\n";
    }
    out += fmt::format(
        "**{} — {} ({}, {})**\n\n```mermaid\nxychart-beta\n    title \"{} ({})\"\n    x-axis \"{}\" [{}]\n"
        "    y-axis \"{}\"\n{}```\n\n{}\n",
        prompt_class, chart.title, chart.unit, chart.better, chart.title, chart.better, x_title, x, chart.unit, lines,
        table);
  }
  return out;
}

std::string Details(const CaseReport& c, const std::vector<Chart>& charts, const std::string& url) {
  std::string out =
      fmt::format("<details><summary>{} {}: per level, checks</summary>\n\n", Icon(c.verdict.outcome), Cell(c.id));
  if (!c.levels.empty()) {
    out += "| metric |";
    for (const auto& l : c.levels) out += fmt::format(" {} |", scenario::ShortLabel(l.load_level));
    out += "\n|---|";
    for (std::size_t i = 0; i < c.levels.size(); ++i) out += "--:|";
    out += "\n";
    for (const auto& row : LevelRows(c.levels)) {
      out += fmt::format("| {} |", row.label);
      for (const auto& cell : row.cells) out += fmt::format(" {} |", Cell(cell));
      out += "\n";
    }
    out += "\n";
  }
  if (!c.verdict.thresholds.empty()) {
    out += "| threshold | conc. | measured | result |\n|---|--:|--:|:-:|\n";
    for (const auto& t : c.verdict.thresholds) {
      out += fmt::format("| `{}` | {} | {} | {} |\n", Cell(t.rule), LevelCell(t.load_level),
                         FormatValue(t.measured, t.unit), t.passed ? "✅" : "❌");
    }
    out += "\n";
  }
  out += fmt::format("Baseline: {} {}\n\n", c.verdict.baseline_state, Cell(c.verdict.baseline_detail));
  if (!c.verdict.comparisons.empty()) {
    out += "| check | conc. | baseline → run, change [95% CI], MDE, n | verdict |\n|---|--:|---|:-:|\n";
    for (const auto& cmp : c.verdict.comparisons) {
      out += fmt::format("| {} | {} | {} | {} |\n", MetricLabel(cmp), LevelCell(cmp.load_level),
                         Cell(DescribeComparison(cmp)), gate::ToString(cmp.verdict));
    }
    out += "\n";
  }
  out += ChartLinks(charts, url, [&](const Chart& x) { return x.case_id == c.id; });
  for (const auto& n : c.verdict.notes) out += fmt::format("- note: {}\n", Cell(n));
  for (const auto& a : c.verdict.earlier) {
    out += fmt::format("- attempt {} (re-measured): {}{}\n", a.attempt, gate::ToString(a.outcome),
                       a.reasons.empty() ? "" : ": " + Cell(fmt::format("{}", fmt::join(a.reasons, "; "))));
  }
  if (!c.verdict.notes.empty() || !c.verdict.earlier.empty()) out += "\n";
  return out + "</details>\n\n";
}

}  // namespace

void WriteMarkdown(const RunReport& report, std::ostream& out, std::size_t max_chars) {
  std::map<Outcome, int> n;
  for (const auto& c : report.cases) ++n[c.verdict.outcome];
  const bool bad = n[Outcome::Failed] + n[Outcome::Error] > 0;
  std::string text =
      fmt::format("## {} llmbench: {} passed · {} failed · {} errors · {} inconclusive · {} skipped ({} cases)\n\n",
                  bad                            ? "❌"
                  : n[Outcome::Inconclusive] > 0 ? "❔"
                                                 : "✅",
                  n[Outcome::Passed], n[Outcome::Failed], n[Outcome::Error], n[Outcome::Inconclusive],
                  n[Outcome::Skipped], report.cases.size());
  text += fmt::format(
      "<sub>generated {} on {} by llmbench {}; figures of every level; "
      "changes against the stored baseline with 95% intervals; SVG charts of every level and case in "
      "<code>index.html</code> beside this file (the CI job's report artifact)</sub>\n\n",
      report.generated_utc, report.host, report.harness_version);
  // The failures come first and are never cut (each reason is kept short by the gate).
  if (bad) {
    text += "### Failures\n\n";
    for (const auto& c : report.cases) {
      if (c.verdict.outcome != Outcome::Failed && c.verdict.outcome != Outcome::Error) continue;
      text += fmt::format("- {} **{}**\n", Icon(c.verdict.outcome), Cell(c.id));
      for (const auto& r : c.verdict.reasons) text += fmt::format("  - {}\n", Cell(r).substr(0, 600));
    }
    text += "\n";
  }
  // Inconclusive cases next: the gate could not tell, and says why (never a silent pass).
  if (n[Outcome::Inconclusive] > 0) {
    text += "### Inconclusive (too noisy to resolve the tolerance: neither passed nor failed)\n\n";
    for (const auto& c : report.cases) {
      if (c.verdict.outcome != Outcome::Inconclusive) continue;
      text += fmt::format("- {} **{}**\n", Icon(c.verdict.outcome), Cell(c.id));
      for (const auto& r : c.verdict.reasons) text += fmt::format("  - {}\n", Cell(r).substr(0, 600));
    }
    text += "\n";
  }
  // Then optional blocks in priority order: case tables, charts, details.
  std::map<std::string, std::vector<const CaseReport*>> by_scenario;
  for (const auto& c : report.cases) by_scenario[c.scenario].push_back(&c);
  const std::vector<EnginePair> pairs = CompareEngines(report, report.compare_a, report.compare_b);
  const std::vector<Chart> charts = BuildCharts(report);
  std::vector<std::pair<int, std::string>> blocks;  // (priority, text), in display order
  for (const auto& [scenario, cases] : by_scenario) {
    blocks.emplace_back(1, fmt::format("### {}\n\n{}\n{}", scenario, CaseTable(cases), ChangesTable(cases)));
    for (const auto& pair : pairs) {
      if (pair.scenario == scenario) blocks.emplace_back(2, EnginePairMarkdown(pair));
    }
    std::map<std::string, std::vector<const CaseReport*>> by_class;
    for (const CaseReport* c : cases) by_class[c->prompt_class].push_back(c);
    for (const auto& [cls, class_cases] : by_class) {
      const std::string& in_scenario = scenario;  // structured bindings cannot be captured before Clang 16
      const std::string& in_class = cls;
      const std::string links = ChartLinks(charts, report.charts_url, [&](const Chart& x) {
        return x.scenario == in_scenario && x.prompt_class == in_class && x.case_id.empty();
      });
      const std::string mermaid = Charts(cls, class_cases);
      if (!mermaid.empty() || !links.empty())
        blocks.emplace_back(2, "<details><summary>charts: " + Cell(scenario + " / " + cls) + "</summary>\n\n" + links +
                                   mermaid + "</details>\n\n");
    }
    for (const CaseReport* c : cases) blocks.emplace_back(3, Details(*c, charts, report.charts_url));
  }
  constexpr std::size_t kNoteReserve = 400;
  std::vector<bool> keep(blocks.size(), false);
  std::size_t used = text.size();
  std::map<int, int> dropped;
  for (int priority = 1; priority <= 3; ++priority) {
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i].first != priority) continue;
      if (used + blocks[i].second.size() + kNoteReserve <= max_chars) {
        keep[i] = true;
        used += blocks[i].second.size();
      } else {
        ++dropped[priority];
      }
    }
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (keep[i]) text += blocks[i].second;
  }
  if (!dropped.empty()) {
    text += fmt::format(
        "> ✂️ Cut to stay under {} characters: {} scenario tables, {} engine comparisons and chart groups, {} case "
        "details omitted. Every figure is in junit.xml and the per-case results.json.\n",
        max_chars, dropped[1], dropped[2], dropped[3]);
  }
  if (text.size() > max_chars) {  // only the failure list can get here: cut it hard, and say so
    const std::string note = "\n> ✂️ Failure list cut at the size limit; see junit.xml.\n";
    text.resize(max_chars - note.size());
    text += note;
  }
  out << text;
}

}  // namespace llmbench::report
