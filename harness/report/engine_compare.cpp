#include "report/engine_compare.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "gate/compare.hpp"
#include "gate/gated.hpp"
#include "metrics/catalog.hpp"
#include "report/format.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;

// The runs of a level that count: the valid ones (runs on a busy runner count, and the fairness
// block says how many there were: leaving them out would leave nothing on a busy machine).
std::vector<const gate::RunData*> Counted(const CaseReport& c, const scenario::Level& level) {
  std::vector<const gate::RunData*> out;
  for (const auto& r : c.runs) {
    if (r.load_level == level && r.invalid.empty()) out.push_back(&r);
  }
  return out;
}

// "2 of 6 runs of `a` ran on a busy runner (…)" when any did.
std::string BusyRuns(const CaseReport& c) {
  std::size_t busy = 0;
  std::string why;
  for (const auto& r : c.runs) {
    if (!r.host.busy) continue;
    ++busy;
    if (why.empty()) why = r.host.why;
  }
  return busy == 0 ? ""
                   : fmt::format("{} of {} runs of `{}` ran on a busy runner ({})", busy, c.runs.size(), c.engine, why);
}

// One statistic at one level, B against A: the gate's t-test on per-run log values.
std::optional<EngineRow> Compare(const CaseReport& a, const CaseReport& b, const gate::GatedMetric& g,
                                 const scenario::Level& level) {
  const std::string key = g.Key();
  const auto values = [&](const std::vector<const gate::RunData*>& runs) {
    std::vector<double> out;
    for (const gate::RunData* r : runs) {
      const auto it = r->values.find(key);
      if (it != r->values.end() && it->second > 0 && std::isfinite(it->second)) out.push_back(it->second);
    }
    return out;
  };
  const auto ra = Counted(a, level), rb = Counted(b, level);
  const auto va = values(ra), vb = values(rb);
  if (va.empty() || vb.empty()) return std::nullopt;
  const gate::Comparison cmp = gate::CompareRuns(g.metric, g.Statistic(), va, vb, 0, g.lower_is_better);
  EngineRow row;
  row.key = key;
  row.level = level;
  row.a = cmp.base;
  row.b = cmp.run;
  row.ratio = cmp.run / cmp.base;
  row.n_a = va.size();
  row.n_b = vb.size();
  row.lower_is_better = g.lower_is_better;
  const metrics::MetricInfo* info = metrics::FindMetric(g.metric);
  row.unit = info != nullptr ? std::string(info->unit) : "";
  // An interval needs a spread on both sides together: 3 runs in all (the gate's rule).
  if (cmp.verdict == gate::Change::Insufficient || va.size() + vb.size() < 3) {
    row.ci_low = row.ci_high = std::nan("");
    return row;
  }
  row.ci_low = 1 + cmp.ci_low;
  row.ci_high = 1 + cmp.ci_high;
  // A run without a value (too few samples, no success, no rate under the SLO found) is not a
  // tie: a winner is named only when every counted run of both sides had one.
  if (va.size() < ra.size() || vb.size() < rb.size()) {
    row.note = fmt::format("{} of {} runs of {} and {} of {} of {} have a value", va.size(), ra.size(), a.engine,
                           vb.size(), rb.size(), b.engine);
    return row;
  }
  const bool b_higher = row.ci_low > 1, b_lower = row.ci_high < 1;
  if (b_higher || b_lower) row.winner = (b_lower == g.lower_is_better) ? b.engine : a.engine;
  return row;
}

// The error rate over every counted run of each side, as the gate compares it.
std::optional<EngineRow> CompareErrors(const CaseReport& a, const CaseReport& b, const scenario::Level& level) {
  const auto ra = Counted(a, level), rb = Counted(b, level);
  std::int64_t ea = 0, na = 0, eb = 0, nb = 0;
  for (const gate::RunData* r : ra) {
    ea += r->errors;
    na += r->requests;
  }
  for (const gate::RunData* r : rb) {
    eb += r->errors;
    nb += r->requests;
  }
  if (na == 0 || nb == 0) return std::nullopt;
  EngineRow row;
  row.key = "error_rate";
  row.level = level;
  row.a = static_cast<double>(ea) / static_cast<double>(na);
  row.b = static_cast<double>(eb) / static_cast<double>(nb);
  row.ratio = row.b - row.a;
  row.difference = true;
  row.unit = "fraction";
  row.n_a = ra.size();
  row.n_b = rb.size();
  if (gate::CompareErrorRate(ea, na, eb, nb, 0).verdict == gate::Change::Regressed) row.winner = a.engine;
  if (gate::CompareErrorRate(eb, nb, ea, na, 0).verdict == gate::Change::Regressed) row.winner = b.engine;
  return row;
}

std::string Value(const json& j, const char* key) { return j.contains(key) ? j[key].dump() : "-"; }

// What was the same and what was not.
std::vector<std::string> Fairness(const CaseReport& a, const CaseReport& b) {
  std::vector<std::string> out;
  const json load_a = json::parse(a.load_settings.empty() ? "{}" : a.load_settings, nullptr, false);
  const json load_b = json::parse(b.load_settings.empty() ? "{}" : b.load_settings, nullptr, false);
  if (!load_a.is_object() || load_a.empty() || !load_b.is_object() || load_b.empty()) {
    return {
        "⚠️ Settings unknown: the results of one engine lack their scenario settings (another llmbench "
        "version?)"};
  }
  out.push_back(fmt::format(
      "Same prompts: class `{}` of scenario `{}`, seed {} — prompt seeds come from the class and level, never the "
      "engine",
      a.prompt_class, a.scenario, Value(load_a, "seed")));
  if (load_a == load_b) {
    out.push_back(fmt::format("Same load: warm-up {} requests per level, {} runs per level, temperature {}",
                              Value(load_a, "warmup"), Value(load_a, "repetitions"), Value(load_a, "temperature")));
  } else {
    out.push_back("⚠️ Different [load] settings: the two ran at different times with another scenario file");
  }
  // Engine settings that shape the requests (the rest is the engine's own address and name).
  const json ea = json::parse(a.engine_settings.empty() ? "{}" : a.engine_settings, nullptr, false);
  const json eb = json::parse(b.engine_settings.empty() ? "{}" : b.engine_settings, nullptr, false);
  std::vector<std::string> differs;
  for (const char* key : {"protocol", "force_output_length", "extra_body", "path", "requests_per_minute",
                          "tokens_per_minute", "tokenizer"}) {
    if (Value(ea, key) != Value(eb, key))
      differs.push_back(fmt::format("{} {} vs {}", key, Value(ea, key), Value(eb, key)));
  }
  out.push_back(differs.empty() ? "Same request parameters (protocol, forced output length, extra body, rate caps, "
                                  "tokenizer fitting)"
                                : "⚠️ Request parameters differ: " + fmt::format("{}", fmt::join(differs, "; ")));
  const auto identity = [](const CaseReport& c) {
    const auto& e = c.engine_identity;
    return fmt::format("`{}`: {}{}{}", c.engine, e.engine.empty() ? "engine unknown" : e.engine,
                       e.version.empty() ? "" : " " + e.version, e.model.empty() ? "" : ", model " + e.model);
  };
  out.push_back("Engines: " + identity(a) + "; " + identity(b));
  for (const CaseReport* c : {&a, &b}) {
    if (const std::string busy = BusyRuns(*c); !busy.empty()) out.push_back("⚠️ " + busy);
  }
  if (a.host != b.host || a.hardware != b.hardware) {
    out.push_back(fmt::format("⚠️ Different client machines: `{}` ({}) vs `{}` ({})", a.host, a.hardware, b.host,
                              b.hardware));
  } else {
    out.push_back(fmt::format("Same client machine: {} ({})", a.host.empty() ? "?" : a.host, a.hardware));
  }
  // One llmbench invocation measures one case at a time; separate invocations (CI shards on
  // other machines, or by hand) may have overlapped, unless their windows show they did not.
  if (a.started_utc == b.started_utc && a.host == b.host) {
    out.push_back(fmt::format("Measured one after another by one `llmbench run` (started {})", a.started_utc));
  } else if (a.started_utc.empty() || b.started_utc.empty()) {
    out.push_back("⚠️ When each ran is unknown: they may have overlapped");
  } else {
    out.push_back(fmt::format(
        "Separate runs: `{}` started {} (measured {:.0f} s), `{}` started {} (measured {:.0f} s); if these windows "
        "overlap, each engine was measured while the other loaded its client or network",
        a.engine, a.started_utc, a.duration_s, b.engine, b.started_utc, b.duration_s));
  }
  return out;
}

EnginePair Pair(const CaseReport& a, const CaseReport& b) {
  EnginePair p{a.scenario, a.prompt_class, a.engine, b.engine, {}, Fairness(a, b), {{a.engine, 0}, {b.engine, 0}}};
  std::set<scenario::Level> levels;
  for (const auto& l : a.levels) levels.insert(l.load_level);
  bool sweep = false;
  for (const auto& level : levels) {
    if (std::none_of(b.levels.begin(), b.levels.end(), [&](const auto& l) { return l.load_level == level; })) continue;
    if (level.sweep() && level.open()) {  // each engine's own rate: not the same load
      sweep = true;
      continue;
    }
    for (const auto& g : gate::kGatedMetrics) {
      if (auto row = Compare(a, b, g, level)) {
        if (!row->winner.empty()) ++p.wins[row->winner];
        p.rows.push_back(std::move(*row));
      }
    }
    // Cost per run: with cost_per_hour it follows the throughput, with token prices the tokens.
    for (const char* key : kCostKeys) {
      if (auto row = Compare(a, b, gate::GatedMetric{key, -1, 0, false, true, false}, level)) {
        if (!row->winner.empty()) ++p.wins[row->winner];
        p.rows.push_back(std::move(*row));
      }
    }
    if (auto row = CompareErrors(a, b, level)) {
      if (!row->winner.empty()) ++p.wins[row->winner];
      p.rows.push_back(std::move(*row));
    }
  }
  if (sweep) {
    p.fairness.push_back(
        "⚠️ The sweeps' points between their ends are not compared: each engine placed them at rates of its own");
  }
  return p;
}

}  // namespace

std::vector<EnginePair> CompareEngines(const RunReport& report, const std::string& a, const std::string& b) {
  std::vector<EnginePair> out;
  // scenario × class → its cases, by engine name.
  std::map<std::pair<std::string, std::string>, std::vector<const CaseReport*>> groups;
  for (const auto& c : report.cases) {
    if (!c.levels.empty() && !c.engine.empty()) groups[{c.scenario, c.prompt_class}].push_back(&c);
  }
  for (auto& group : groups) {
    auto& cases = group.second;  // a named reference: lambdas cannot capture a structured binding in Clang 14
    std::stable_sort(cases.begin(), cases.end(), [](const auto* x, const auto* y) { return x->engine < y->engine; });
    if (!a.empty()) {
      const auto find = [&](const std::string& name) {
        const auto it = std::find_if(cases.begin(), cases.end(), [&](const auto* c) { return c->engine == name; });
        return it == cases.end() ? nullptr : *it;
      };
      const CaseReport *ca = find(a), *cb = find(b);
      if (ca != nullptr && cb != nullptr) out.push_back(Pair(*ca, *cb));
      continue;
    }
    for (std::size_t i = 1; i < cases.size(); ++i) out.push_back(Pair(*cases[0], *cases[i]));
  }
  if (!a.empty() && out.empty())
    throw std::runtime_error(fmt::format("no scenario and class where both '{}' and '{}' ran", a, b));
  return out;
}

std::string RatioText(const EngineRow& r) {
  const std::string text = r.difference ? fmt::format("{:+.2f} pt", r.ratio * 100)
                           : std::isnan(r.ci_low)
                               ? fmt::format("{:.3f} (too few runs)", r.ratio)
                               : fmt::format("{:.3f} [{:.3f}, {:.3f}]", r.ratio, r.ci_low, r.ci_high);
  return r.note.empty() ? text : text + " (" + r.note + ")";
}

std::string EnginePairMarkdown(const EnginePair& p) {
  std::string out = fmt::format("#### `{}` vs `{}` — {} / {}\n\n", MarkdownCell(p.a), MarkdownCell(p.b),
                                MarkdownCell(p.scenario), MarkdownCell(p.prompt_class));
  const int wa = p.wins.count(p.a) ? p.wins.at(p.a) : 0, wb = p.wins.count(p.b) ? p.wins.at(p.b) : 0;
  if (p.rows.empty()) {
    out +=
        "No statistic has runs from both engines at a common level (a failed or skipped case, or results without "
        "their raw records).\n";
  } else {
    out += fmt::format(
        "Metrics won: `{}` {}, `{}` {}, no clear winner {} (95% interval of B/A includes 1, or a run had no "
        "value).\n\n| metric | level | {} (A) | {} (B) | B/A [95% CI] | better | winner |\n"
        "|---|--:|--:|--:|--:|:-:|---|\n",
        MarkdownCell(p.a), wa, MarkdownCell(p.b), wb, static_cast<int>(p.rows.size()) - wa - wb, MarkdownCell(p.a),
        MarkdownCell(p.b));
  }
  for (const auto& r : p.rows) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", r.key, scenario::ShortLabel(r.level),
                       FormatValue(r.a, r.unit), FormatValue(r.b, r.unit), MarkdownCell(RatioText(r)),
                       r.lower_is_better ? "lower" : "higher",
                       r.winner.empty() ? "–" : "**" + MarkdownCell(r.winner) + "**");
  }
  out += "\n<details><summary>fairness</summary>\n\n";
  for (const auto& f : p.fairness) out += "- " + MarkdownCell(f) + "\n";
  return out + "\n</details>\n\n";
}

}  // namespace llmbench::report
