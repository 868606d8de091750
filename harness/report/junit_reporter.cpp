// JUnit XML: one testsuite per scenario, one testcase per case and per check.
#include <fmt/format.h>

#include <cmath>

#include <map>

#include "metrics/catalog.hpp"
#include "report/format.hpp"
#include "report/run_report.hpp"
#include "report/xml_writer.hpp"

namespace llmbench::report {
namespace {

using gate::Change;
using gate::Outcome;

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  double time = 0;
};

std::string Seconds(double s) { return fmt::format("{:.3f}", s); }  // JUnit time: seconds, 3 decimals

std::string Join(const std::vector<std::string>& lines, const char* sep) {
  return fmt::format("{}", fmt::join(lines, sep));
}

// A check: one testcase with its outcome element, if any, and its numbers in system-out.
struct Check {
  std::string name;
  std::string element;  ///< "", "failure", "error", "skipped"
  std::string type;
  std::string message;
  std::string out;
  double time = 0;
};

std::vector<Check> ChecksOf(const CaseReport& c) {
  const std::string prefix = c.engine.empty() ? c.id : c.engine + "/" + c.prompt_class;
  std::vector<Check> checks;
  Check main{prefix, "", "", "", "", c.duration_s};
  const std::string reasons = Join(c.verdict.reasons, "; ");
  switch (c.verdict.outcome) {
    case Outcome::Failed:
      main.element = "failure";
      main.type = "regression";
      main.message = reasons;
      break;
    case Outcome::Error:
      main.element = "error";
      main.type = "measurement";
      main.message = reasons;
      break;
    case Outcome::Skipped:
      main.element = "skipped";
      main.message = reasons;
      break;
    case Outcome::Inconclusive:
      main.element = "skipped";
      main.message = "inconclusive: " + reasons;
      break;
    case Outcome::Passed:
      break;
  }
  for (const auto& l : c.levels) main.out += MetricsLines(l);
  if (c.verdict.outcome == Outcome::Passed) {
    for (const auto& r : c.verdict.reasons) main.out += "note=" + r + "\n";  // e.g. acknowledged regressions
  }
  for (const auto& r : c.verdict.notes) main.out += "note=" + r + "\n";
  for (const auto& a : c.verdict.earlier) {
    main.out += fmt::format("attempt{}={} {}\n", a.attempt, gate::ToString(a.outcome), Join(a.reasons, "; "));
  }
  main.out += fmt::format("baseline={} {}\n", c.verdict.baseline_state, c.verdict.baseline_detail);
  checks.push_back(std::move(main));
  for (const auto& t : c.verdict.thresholds) {
    Check k{fmt::format("{} threshold: {} @ {}", prefix, t.rule, scenario::Describe(t.load_level)), "", "", "", "", 0};
    k.out = fmt::format("measured={} limit={} passed={}\n", FormatValue(t.measured, t.unit),
                        FormatValue(t.limit, t.unit), t.passed);
    if (!t.passed) {
      k.element = "failure";
      k.type = t.check.empty() ? "threshold" : "correctness." + t.check;
      k.message = DescribeThreshold(t);
    }
    checks.push_back(std::move(k));
  }
  if (c.verdict.baseline_state == "missing" || c.verdict.baseline_state == "mismatch") {
    checks.push_back({prefix + " baseline", "skipped", "",
                      c.verdict.baseline_state == "missing" ? "no baseline yet: " + c.verdict.baseline_detail
                                                            : "baseline not comparable: " + c.verdict.baseline_detail,
                      "", 0});
  }
  for (const auto& cmp : c.verdict.comparisons) {
    Check k{fmt::format("{} baseline: {} @ {}", prefix, MetricLabel(cmp), scenario::Describe(cmp.load_level)),
            "",
            "",
            "",
            "",
            0};
    // Rounded to what the test resolves, each with its unit (results.json keeps full precision).
    const metrics::MetricInfo* info = metrics::FindMetric(cmp.metric);
    const std::string unit = info != nullptr ? std::string(info->unit) : "";
    const bool points = cmp.metric == "error_rate";  // a difference of rates: percentage points
    const auto pct = [&](double f) { return SignedPercent(f, points); };
    k.out = fmt::format(
        "base={} run={} change={} ci=[{}, {}] mde={} sigma_run={:.4f} dof={:.1f} p_worse={:.3g} runs_base={} "
        "runs_run={} verdict={}\n",
        FormatValue(cmp.base, unit), FormatValue(cmp.run, unit), pct(cmp.change), pct(cmp.ci_low), pct(cmp.ci_high),
        std::isnan(cmp.mde) ? std::string("-") : fmt::format("{:.2f}{}", cmp.mde * 100, points ? " pt" : "%"),
        cmp.sigma, cmp.dof, cmp.p_worse, cmp.n_base, cmp.n_run, gate::ToString(cmp.verdict));
    if (cmp.verdict == Change::Regressed && c.verdict.outcome == Outcome::Failed) {
      k.element = "failure";
      k.type = "regression";
      k.message = MetricLabel(cmp) + ": " + DescribeComparison(cmp);
    } else if (cmp.verdict == Change::Insufficient || cmp.verdict == Change::Inconclusive ||
               cmp.verdict == Change::Regressed) {  // regressed but not confirmed, or acknowledged
      k.element = "skipped";
      k.message = fmt::format("{}: {}", gate::ToString(cmp.verdict), cmp.note);
    }
    checks.push_back(std::move(k));
  }
  return checks;
}

void Count(const Check& k, Counts& n) {
  ++n.tests;
  n.failures += k.element == "failure";
  n.errors += k.element == "error";
  n.skipped += k.element == "skipped";
  n.time += k.time;
}

}  // namespace

void WriteJUnit(const RunReport& report, std::ostream& out) {
  std::map<std::string, std::vector<Check>> suites;
  for (const auto& c : report.cases) {
    auto checks = ChecksOf(c);
    auto& suite = suites[c.scenario];
    suite.insert(suite.end(), checks.begin(), checks.end());
  }
  Counts total;
  std::map<std::string, Counts> counts;
  for (const auto& [name, checks] : suites) {
    for (const auto& k : checks) {
      Count(k, counts[name]);
      Count(k, total);
    }
  }
  XmlWriter xml(out);
  xml.Open("testsuites", {{"name", "llmbench"},
                          {"tests", std::to_string(total.tests)},
                          {"failures", std::to_string(total.failures)},
                          {"errors", std::to_string(total.errors)},
                          {"time", Seconds(total.time)}});
  for (const auto& [name, checks] : suites) {
    const Counts& n = counts[name];
    const auto info = report.scenarios.count(name) ? report.scenarios.at(name) : ScenarioInfo{};
    xml.Open("testsuite", {{"name", name},
                           {"tests", std::to_string(n.tests)},
                           {"failures", std::to_string(n.failures)},
                           {"errors", std::to_string(n.errors)},
                           {"skipped", std::to_string(n.skipped)},
                           {"time", Seconds(n.time)},
                           {"timestamp", info.started_utc.empty() ? report.generated_utc : info.started_utc},
                           {"hostname", info.host.empty() ? report.host : info.host}});
    xml.Open("properties");
    xml.Leaf("property", {{"name", "git_commit"}, {"value", info.git_commit}});
    xml.Leaf("property", {{"name", "harness_version"},
                          {"value", info.harness_version.empty() ? report.harness_version : info.harness_version}});
    xml.Leaf("property", {{"name", "report_generated"}, {"value", report.generated_utc}});
    xml.Close();
    for (const auto& k : checks) {
      xml.Open("testcase", {{"classname", name}, {"name", k.name}, {"time", Seconds(k.time)}});
      if (!k.element.empty()) {
        XmlWriter::Attributes attributes{{"message", k.message}};
        if (!k.type.empty()) attributes.insert(attributes.begin(), {"type", k.type});
        xml.Leaf(k.element, attributes, k.element == "skipped" ? "" : k.message);
      }
      if (!k.out.empty()) xml.Leaf("system-out", {}, k.out);
      xml.Close();
    }
    xml.Close();
  }
  xml.Close();
}

}  // namespace llmbench::report
