#include "report/charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "report/format.hpp"
#include "report/svg_chart.hpp"

namespace llmbench::report {
namespace {

using metrics::Stats;

// File names keep letters, digits, '.', '-' and '_'; anything else becomes '_'.
std::string Slug(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                      ch == '_' || ch == '.';
    out += keep ? ch : '_';
  }
  return out;
}

// The charts of one scenario × class: each engine a series, the levels on x.
void ClassCharts(const std::string& scenario, const std::string& cls, const std::vector<const CaseReport*>& cases,
                 std::vector<Chart>& out) {
  const std::string title = scenario + " / " + cls;
  const auto add = [&](const char* slug, std::string svg_title, std::string svg) {
    out.push_back({scenario, cls, "", Slug(fmt::format("{}.{}.{}.svg", scenario, cls, slug)), std::move(svg_title),
                   std::move(svg)});
  };
  std::set<scenario::Level> level_set;
  for (const CaseReport* c : cases) {
    for (const auto& l : c->levels) {
      if (!l.load_level.search()) level_set.insert(l.load_level);
    }
  }
  if (level_set.empty()) return;
  const std::vector<scenario::Level> levels(level_set.begin(), level_set.end());
  std::vector<std::string> labels;
  for (const auto& l : levels) labels.push_back(scenario::ShortLabel(l));
  const auto value_at = [&](const CaseReport& c, const scenario::Level& level, auto get) {
    for (const auto& s : c.levels) {
      if (s.load_level == level) return get(s);
    }
    return std::nan("");
  };
  // A chart by level: per engine a solid line, and optionally a dashed one in the same colour.
  struct Line {
    const char* suffix;  ///< after the engine's name in the legend: "", " p95", " server"
    double (*get)(const metrics::Summary&);
  };
  const auto by_level = [&](const char* slug, const std::string& chart, const std::string& unit, Line solid,
                            std::optional<Line> dashed = std::nullopt) {
    LineChart lc{fmt::format("{} — {}", title, chart), "level", unit, labels, {}};
    for (std::size_t e = 0; e < cases.size(); ++e) {
      for (const auto& [line, is_dashed] : {std::pair{std::optional<Line>(solid), false}, std::pair{dashed, true}}) {
        if (!line) continue;
        SvgSeries series{cases[e]->engine + line->suffix, {}, is_dashed, static_cast<int>(e)};
        for (std::size_t i = 0; i < levels.size(); ++i)
          series.points.emplace_back(i, value_at(*cases[e], levels[i], line->get));
        lc.series.push_back(std::move(series));
      }
    }
    add(slug, lc.title, RenderSvg(lc));
  };
  by_level("ttft-by-level", "TTFT p50 (solid) and p95 (dashed) by level", "TTFT (ms)",
           {"", [](const metrics::Summary& s) { return Stat(s, "ttft", &Stats::p50); }},
           Line{" p95", [](const metrics::Summary& s) { return Stat(s, "ttft", &Stats::p95); }});
  by_level("tpot-by-level", "TPOT p50 by level", "TPOT (ms)",
           {"", [](const metrics::Summary& s) { return Stat(s, "tpot", &Stats::p50); }});
  by_level("throughput-by-level", "output throughput by level", "output (tok/s)",
           {"", [](const metrics::Summary& s) { return LevelMetric(s, "output_throughput"); }});
  // The latency-throughput curve: what each engine's latency costs in throughput.
  for (const auto& [metric, name, slug] :
       {std::tuple{"ttft", "TTFT", "ttft-vs-throughput"}, std::tuple{"tpot", "TPOT", "tpot-vs-throughput"}}) {
    LineChart curve{fmt::format("{} — {} p50 (solid) and p95 (dashed) vs throughput", title, name),
                    "achieved output throughput (tok/s)",
                    std::string(name) + " (ms)",
                    {},
                    {}};
    for (std::size_t e = 0; e < cases.size(); ++e) {
      const CaseReport* c = cases[e];
      SvgSeries p50{c->engine + " p50", {}, false, static_cast<int>(e)},
          p95{c->engine + " p95", {}, true, static_cast<int>(e)};
      for (const auto& s : c->levels) {
        if (s.load_level.search()) continue;
        const double x = LevelMetric(s, "output_throughput");
        p50.points.emplace_back(x, Stat(s, metric, &Stats::p50));
        p95.points.emplace_back(x, Stat(s, metric, &Stats::p95));
      }
      curve.series.push_back(std::move(p50));
      curve.series.push_back(std::move(p95));
    }
    add(slug, curve.title, RenderSvg(curve));
  }
  // Server vs client (the seeds' plot): where the engine reports its own time.
  const bool server = std::any_of(cases.begin(), cases.end(), [](const CaseReport* c) {
    return std::any_of(c->levels.begin(), c->levels.end(), [](const auto& s) { return s.Find("server_total"); });
  });
  if (server) {
    by_level("client-vs-server", "client E2E (solid) vs server total (dashed), p50", "latency (ms)",
             {" client", [](const metrics::Summary& s) { return Stat(s, "e2e", &Stats::p50); }},
             Line{" server", [](const metrics::Summary& s) { return Stat(s, "server_total", &Stats::p50); }});
    // Network overhead: E2E − the engine's own total (it absorbs every wait the engine does not count).
    by_level("network-overhead", "network overhead p50 (E2E − server total)", "network overhead (ms)",
             {"", [](const metrics::Summary& s) { return Stat(s, "network_overhead", &Stats::p50); }});
  }
  // Token usage: what the requests asked for and got, per request (the engine's counts where it
  // reports them).
  by_level("tokens", "tokens per request, mean: input (solid), output (dashed)", "tokens per request (tok)",
           {" input", [](const metrics::Summary& s) { return Stat(s, "input_tokens", &Stats::mean); }},
           Line{" output", [](const metrics::Summary& s) { return Stat(s, "output_tokens", &Stats::mean); }});
  // Several engines: their whole distributions at the highest level every one of them measured.
  if (cases.size() < 2) return;
  std::optional<scenario::Level> common;
  for (auto it = levels.rbegin(); it != levels.rend() && !common; ++it) {
    const bool everywhere = std::all_of(cases.begin(), cases.end(), [&](const CaseReport* c) {
      return std::any_of(c->samples.begin(), c->samples.end(),
                         [&](const LevelSamples& s) { return s.level == *it && !s.ttft.empty(); });
    });
    if (everywhere && !it->sweep()) common = *it;
  }
  if (!common) return;
  for (const auto& [name, slug, field] :
       {std::tuple{"TTFT", "ttft-cdf", &LevelSamples::ttft}, std::tuple{"E2E", "e2e-cdf", &LevelSamples::e2e}}) {
    LineChart cdf{fmt::format("{} — {} CDF at {}, per engine", title, name, scenario::ShortLabel(*common)),
                  std::string(name) + " (ms)",
                  "fraction of requests ≤ x",
                  {},
                  {}};
    for (std::size_t e = 0; e < cases.size(); ++e) {
      for (const LevelSamples& s : cases[e]->samples) {
        if (s.level != *common) continue;
        SvgSeries series{fmt::format("{} (n={})", cases[e]->engine, (s.*field).size()), CdfPoints(s.*field), false,
                         static_cast<int>(e)};
        series.markers = false;
        cdf.series.push_back(std::move(series));
      }
    }
    add(slug, cdf.title, RenderSvg(cdf));
  }
}

// A case's own charts: its distributions per level and one level's requests in time.
void CaseCharts(const CaseReport& c, std::vector<Chart>& out) {
  const auto add = [&](const char* slug, std::string title, std::string svg) {
    out.push_back({c.scenario, c.prompt_class, c.id, Slug(fmt::format("{}.{}.svg", c.id, slug)), std::move(title),
                   std::move(svg)});
  };
  DistributionChart box{c.id + " — TTFT distribution by level", "TTFT (ms)", {}};
  for (const auto& l : c.levels) {
    if (const metrics::Stats* s = l.Find("ttft")) box.boxes.emplace_back(scenario::ShortLabel(l.load_level), *s);
  }
  if (!box.boxes.empty()) add("ttft-box", box.title, RenderSvg(box));
  for (const auto& [name, slug, field] :
       {std::tuple{"TTFT", "ttft-cdf", &LevelSamples::ttft}, std::tuple{"TPOT", "tpot-cdf", &LevelSamples::tpot},
        std::tuple{"E2E", "e2e-cdf", &LevelSamples::e2e}}) {
    LineChart cdf{fmt::format("{} — {} CDF by level", c.id, name),
                  std::string(name) + " (ms)",
                  "fraction of requests ≤ x",
                  {},
                  {}};
    for (const LevelSamples& s : c.samples) {
      if ((s.*field).empty()) continue;
      SvgSeries series{fmt::format("{} (n={})", scenario::ShortLabel(s.level), (s.*field).size()), CdfPoints(s.*field)};
      series.markers = false;
      cdf.series.push_back(std::move(series));
    }
    if (!cdf.series.empty()) add(slug, cdf.title, RenderSvg(cdf));
  }
  // The timeline of the last level that has one (the highest load: where queueing shows).
  for (auto it = c.samples.rbegin(); it != c.samples.rend(); ++it) {
    if (it->timeline.empty() || it->level.search()) continue;
    const std::size_t shown = it->timeline.size();
    const std::string which = static_cast<std::int64_t>(shown) < it->timeline_requests
                                  ? fmt::format("the first {} of {} requests", shown, it->timeline_requests)
                                  : fmt::format("all {} requests", shown);
    TimelineChart t{fmt::format("{} — run 1 at {}: {} in time", c.id, scenario::ShortLabel(it->level), which),
                    it->timeline};
    add("timeline", t.title, RenderSvg(t));
    break;
  }
}

}  // namespace

std::vector<Chart> BuildCharts(const RunReport& report) {
  std::vector<Chart> out;
  std::map<std::string, std::vector<const CaseReport*>> by_scenario;
  for (const auto& c : report.cases) by_scenario[c.scenario].push_back(&c);
  for (const auto& [scenario, cases] : by_scenario) {
    std::map<std::string, std::vector<const CaseReport*>> by_class;
    for (const CaseReport* c : cases) {
      if (!c->levels.empty()) by_class[c->prompt_class].push_back(c);
    }
    for (const auto& [cls, class_cases] : by_class) ClassCharts(scenario, cls, class_cases, out);
    for (const CaseReport* c : cases) CaseCharts(*c, out);
  }
  // Names that collide after slugging ("a/b" and "a_b") get a number: a file never overwrites another.
  std::set<std::string> taken;
  for (Chart& c : out) {
    const std::string stem = c.file.substr(0, c.file.size() - 4);
    for (int n = 2; !taken.insert(c.file).second; ++n) c.file = fmt::format("{}-{}.svg", stem, n);
  }
  return out;
}

}  // namespace llmbench::report
