// The HTML report: one self-contained file (styles, charts as inline SVG, a few lines of script
// that only sort tables), verdicts first, then per scenario the cases, the engine comparisons
// and the charts, then every case in detail: its levels, every baseline comparison with its
// interval and minimum detectable change, its thresholds.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report/charts.hpp"
#include "report/engine_compare.hpp"
#include "report/format.hpp"
#include "report/run_report.hpp"
#include "report/xml_writer.hpp"

namespace llmbench::report {
namespace {

using gate::Outcome;
using metrics::Stats;

std::string H(std::string_view text) { return XmlEscape(text); }

constexpr const char* kStyle = R"(body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ddd;padding:3px 8px;font-size:13px}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}table.sortable th{cursor:pointer}
.passed{color:#1a7f37}.failed{color:#cf222e;font-weight:bold}.error{color:#bc4c00;font-weight:bold}
.inconclusive{color:#8250df}.skipped{color:#777}.charts{display:flex;flex-wrap:wrap;gap:12px}
.charts svg{border:1px solid #eee}details{margin:6px 0}summary{cursor:pointer}.note{color:#555;font-size:12px})";

// Sorting only: the report reads without it.
constexpr const char* kScript =
    R"(document.querySelectorAll('table.sortable th').forEach((th,i)=>th.addEventListener('click',()=>{
const t=th.closest('table'),b=t.tBodies[0],rows=[...b.rows],asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';
const v=r=>{const s=r.cells[i].innerText.trim(),n=parseFloat(s.replace(/[^0-9.eE+-]/g,''));return isNaN(n)?s:n};
rows.sort((a,c)=>{const x=v(a),y=v(c);return (x>y?1:x<y?-1:0)*(asc?1:-1)});rows.forEach(r=>b.appendChild(r));}));)";

// The figures at the case's last level (the highest closed-loop one when there are only those).
const metrics::Summary* TopLevel(const CaseReport& c) {
  const metrics::Summary* s = nullptr;
  for (const auto& l : c.levels) {
    if (!l.load_level.search()) s = &l;
  }
  return s;
}

std::string VerdictTable(const std::vector<CaseReport>& cases) {
  std::string out =
      "<table class=\"sortable\" id=\"verdicts\"><thead><tr><th>case</th><th>verdict</th><th>levels</th><th>level "
      "shown</th><th>TTFT p50 (ms)</th><th>TPOT p50 (ms)</th><th>output (tok/s)</th><th>errors</th><th>gated "
      "comparisons not unchanged</th></tr></thead><tbody>\n";
  for (const auto& c : cases) {
    const metrics::Summary* s = TopLevel(c);
    int changed = 0;
    for (const auto& cmp : c.verdict.comparisons) changed += cmp.verdict != gate::Change::Unchanged;
    out += fmt::format(
        "<tr><td><a href=\"#{0}\">{0}</a></td><td class=\"{1}\">{2}</td><td class=\"n\">{3}</td><td>{4}</td>"
        "<td class=\"n\">{5}</td><td class=\"n\">{6}</td><td class=\"n\">{7}</td><td class=\"n\">{8}</td>"
        "<td class=\"n\">{9}</td></tr>\n",
        H(c.id), gate::ToString(c.verdict.outcome), gate::ToString(c.verdict.outcome), c.levels.size(),
        s ? H(scenario::ShortLabel(s->load_level)) : "-", s ? OneDecimal(Stat(*s, "ttft", &Stats::p50)) : "-",
        s ? OneDecimal(Stat(*s, "tpot", &Stats::p50)) : "-",
        s ? fmt::format("{:.0f}", LevelMetric(*s, "output_throughput")) : "-",
        s ? FormatValue(LevelMetric(*s, "error_rate"), "fraction") : "-", changed);
  }
  return out + "</tbody></table>\n";
}

// Charts side by side: those of `case_id` ("" = the class's) in scenario × class.
std::string ChartsHtml(const std::vector<Chart>& charts, const std::string& scenario, const std::string& cls,
                       const std::string& case_id) {
  std::string out;
  for (const Chart& c : charts) {
    if (c.scenario == scenario && c.prompt_class == cls && c.case_id == case_id) out += c.svg;
  }
  return out.empty() ? "" : "<div class=\"charts\">\n" + out + "</div>\n";
}

std::string PairHtml(const EnginePair& p) {
  std::string out = fmt::format("<h3>{} vs {} — {} / {}</h3>\n", H(p.a), H(p.b), H(p.scenario), H(p.prompt_class));
  if (p.rows.empty()) {
    out += "<p>No statistic has runs from both engines at a common level.</p>\n";
  } else {
    out += fmt::format(
        "<table class=\"sortable\"><thead><tr><th>metric</th><th>level</th><th>{} (A)</th><th>{} (B)</th>"
        "<th>B/A [95% interval]</th><th>better</th><th>winner</th></tr></thead><tbody>\n",
        H(p.a), H(p.b));
    for (const auto& r : p.rows) {
      out += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
          "<td>{}</td><td>{}</td></tr>\n",
          H(r.key), H(scenario::ShortLabel(r.level)), FormatValue(r.a, r.unit), FormatValue(r.b, r.unit),
          H(RatioText(r)), r.lower_is_better ? "lower" : "higher",
          r.winner.empty() ? "–" : "<b>" + H(r.winner) + "</b>");
    }
    out += "</tbody></table>\n";
  }
  out += "<details><summary>fairness</summary><ul>\n";
  for (const auto& f : p.fairness) out += "<li>" + H(f) + "</li>\n";
  return out + "</ul></details>\n";
}

std::string CaseHtml(const CaseReport& c, const std::vector<Chart>& charts) {
  std::string out = fmt::format("<h3 id=\"{0}\">{0} — <span class=\"{1}\">{2}</span></h3>\n", H(c.id),
                                gate::ToString(c.verdict.outcome), gate::ToString(c.verdict.outcome));
  if (!c.verdict.reasons.empty()) {
    out += "<ul>";
    for (const auto& r : c.verdict.reasons) out += "<li>" + H(r) + "</li>";
    out += "</ul>\n";
  }
  for (const auto& n : c.verdict.notes) out += "<p class=\"note\">note: " + H(n) + "</p>\n";
  if (!c.levels.empty()) {
    out += "<table><thead><tr><th>figure</th>";
    for (const auto& l : c.levels) out += "<th>" + H(scenario::ShortLabel(l.load_level)) + "</th>";
    out += "</tr></thead><tbody>\n";
    for (const auto& row : LevelRows(c.levels)) {
      out += "<tr><td>" + H(row.label) + "</td>";
      for (const auto& cell : row.cells) out += "<td class=\"n\">" + H(cell) + "</td>";
      out += "</tr>\n";
    }
    out += "</tbody></table>\n";
    out += ChartsHtml(charts, c.scenario, c.prompt_class, c.id);
  }
  out += fmt::format("<p>Baseline: {} {}</p>\n", H(c.verdict.baseline_state), H(c.verdict.baseline_detail));
  if (!c.verdict.comparisons.empty()) {
    out +=
        "<table class=\"sortable\"><thead><tr><th>check</th><th>level</th><th>baseline</th><th>run</th><th>change</th>"
        "<th>95% interval</th><th>MDE</th><th>runs base/run</th><th>verdict</th></tr></thead><tbody>\n";
    for (const auto& cmp : c.verdict.comparisons) {
      const auto pct = [&](double f) { return SignedPercent(f, cmp.metric == "error_rate"); };
      out += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"n\">{:.4g}</td><td class=\"n\">{:.4g}</td><td class=\"n\">{}</td>"
          "<td class=\"n\">[{}, {}]</td><td class=\"n\">{}</td><td class=\"n\">{}/{}</td><td>{}{}</td></tr>\n",
          H(MetricLabel(cmp)), H(scenario::ShortLabel(cmp.load_level)), cmp.base, cmp.run, pct(cmp.change),
          pct(cmp.ci_low), pct(cmp.ci_high), std::isnan(cmp.mde) ? std::string("-") : pct(cmp.mde), cmp.n_base,
          cmp.n_run, gate::ToString(cmp.verdict), cmp.note.empty() ? "" : " — " + H(cmp.note));
    }
    out += "</tbody></table>\n";
  }
  if (!c.verdict.thresholds.empty()) {
    out += "<table><thead><tr><th>threshold</th><th>level</th><th>measured</th><th>result</th></tr></thead><tbody>\n";
    for (const auto& t : c.verdict.thresholds) {
      out +=
          fmt::format("<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"{}\">{}</td></tr>\n",
                      H(t.rule), H(scenario::ShortLabel(t.load_level)), FormatValue(t.measured, t.unit),
                      t.passed ? "passed" : "failed", t.passed ? "held" : "broken");
    }
    out += "</tbody></table>\n";
  }
  return out;
}

}  // namespace

void WriteHtml(const RunReport& report, std::ostream& out) {
  std::map<Outcome, int> n;
  for (const auto& c : report.cases) ++n[c.verdict.outcome];
  std::string html = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>llmbench report</title>\n"
      "<style>{}</style></head><body>\n<h1>llmbench: {} passed · {} failed · {} errors · {} inconclusive · {} "
      "skipped ({} cases)</h1>\n<p class=\"note\">generated {} on {} by llmbench {}; changes against the stored "
      "baseline with 95% intervals; every chart's y axis starts at 0</p>\n",
      kStyle, n[Outcome::Passed], n[Outcome::Failed], n[Outcome::Error], n[Outcome::Inconclusive], n[Outcome::Skipped],
      report.cases.size(), H(report.generated_utc), H(report.host), H(report.harness_version));
  html += "<h2>Verdicts</h2>\n" + VerdictTable(report.cases);
  std::map<std::string, std::vector<const CaseReport*>> by_scenario;
  for (const auto& c : report.cases) by_scenario[c.scenario].push_back(&c);
  const std::vector<EnginePair> pairs = CompareEngines(report, report.compare_a, report.compare_b);
  const std::vector<Chart> charts = BuildCharts(report);
  for (const auto& [scenario, cases] : by_scenario) {
    html += fmt::format("<h2>{}</h2>\n", H(scenario));
    for (const auto& pair : pairs) {
      if (pair.scenario == scenario) html += PairHtml(pair);
    }
    std::map<std::string, std::vector<const CaseReport*>> by_class;
    for (const CaseReport* c : cases) {
      if (!c->levels.empty()) by_class[c->prompt_class].push_back(c);
    }
    for (const auto& [cls, class_cases] : by_class) html += ChartsHtml(charts, scenario, cls, "");
    for (const CaseReport* c : cases) html += CaseHtml(*c, charts);
  }
  html += fmt::format("<script>{}</script>\n</body></html>\n", kScript);
  out << html;
}

}  // namespace llmbench::report
