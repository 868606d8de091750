#include "report/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "metrics/catalog.hpp"

namespace llmbench::report {

std::string SignedPercent(double fraction, bool points) {
  return std::isnan(fraction) ? std::string("-") : fmt::format("{:+.2f}{}", fraction * 100, points ? " pt" : "%");
}

std::string MarkdownCell(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::string out;
  for (const char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string FormatValue(double value, const std::string& unit) {
  if (std::isnan(value)) return "-";
  if (unit == "fraction") return fmt::format("{:.2f}%", value * 100);
  if (unit == "%") return fmt::format("{:.1f}%", value);
  if (unit == "count") return fmt::format("{:.0f}", value);
  if (unit == "USD") return fmt::format("{:.4g} USD", value);  // cents per 1K requests need their digits
  const double a = std::abs(value);
  const int decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
  return fmt::format("{:.{}f} {}", value, decimals, unit);
}

std::string OneDecimal(double value) { return std::isnan(value) ? "-" : fmt::format("{:.1f}", value); }

std::string MetricLabel(const gate::Comparison& c) {
  return c.statistic.empty() ? c.metric : c.metric + "." + c.statistic;
}

std::string FormatChange(const gate::Comparison& c) {
  if (c.verdict == gate::Change::Insufficient) return "n/a";
  if (c.metric == "error_rate") {
    return fmt::format("{:+.2f} pt [{:+.2f}, {:+.2f}]", c.change * 100, c.ci_low * 100, c.ci_high * 100);
  }
  return fmt::format("{:+.1f}% [{:+.1f}%, {:+.1f}%]", c.change * 100, c.ci_low * 100, c.ci_high * 100);
}

std::string DescribeComparison(const gate::Comparison& c) {
  const metrics::MetricInfo* info = metrics::FindMetric(c.metric);
  const std::string unit = info ? std::string(info->unit) : "";
  if (c.verdict == gate::Change::Insufficient) return fmt::format("{}: {}", gate::ToString(c.verdict), c.note);
  const bool requests = c.metric == "error_rate";
  std::string s = fmt::format("{} → {}, {}, MDE {}, {}={}/{}: {}", FormatValue(c.base, unit), FormatValue(c.run, unit),
                              FormatChange(c),
                              requests ? fmt::format("{:.2f} pt", c.mde * 100) : fmt::format("{:.1f}%", c.mde * 100),
                              requests ? "requests" : "runs", c.n_base, c.n_run, gate::ToString(c.verdict));
  if (!c.gating) s += " (report-only)";
  if (c.verdict == gate::Change::Inconclusive && !c.note.empty()) s += " — " + c.note;
  return s;
}

std::string DescribeThreshold(const gate::ThresholdResult& t) {
  return fmt::format("measured {}, rule {}", FormatValue(t.measured, t.unit), t.rule);
}

double Stat(const metrics::Summary& s, const char* metric, double metrics::Stats::*field) {
  const metrics::Stats* st = s.Find(metric);
  return st ? st->*field : std::nan("");
}

double LevelMetric(const metrics::Summary& s, const char* metric) {
  const auto it = s.level.find(metric);
  return it == s.level.end() ? std::nan("") : it->second;
}

namespace {

// A cost figure to 4 significant digits; "-" when the level has none (nothing succeeded).
std::string Usd(const metrics::Summary& s, const char* metric) {
  const double v = LevelMetric(s, metric);
  return std::isnan(v) ? std::string("-") : fmt::format("{:.4g}", v);
}

}  // namespace

std::string MetricsLines(const metrics::Summary& s) {
  using metrics::Stats;
  if (s.load_level.search()) {
    return fmt::format("search max_rate_under_slo_req_s={:.4g} probes={:.0f}\n", LevelMetric(s, "max_rate_under_slo"),
                       LevelMetric(s, "search_probes"));
  }
  return fmt::format(
             "{} requests={} succeeded={} ttft_p50_ms={:.3f} ttft_p95_ms={:.3f} itl_p50_ms={:.3f} "
             "tpot_p50_ms={:.3f} e2e_p50_ms={:.3f} output_throughput_tok_s={:.1f} request_throughput_req_s={:.3f} "
             "error_rate={:.4f}\n",
             s.load_level.open() ? fmt::format("rate={:g}", s.load_level.rate)
                                 : fmt::format("concurrency={}", s.load_level.concurrency),
             s.requests, s.succeeded, Stat(s, "ttft", &Stats::p50), Stat(s, "ttft", &Stats::p95),
             Stat(s, "itl", &Stats::p50), Stat(s, "tpot", &Stats::p50), Stat(s, "e2e", &Stats::p50),
             LevelMetric(s, "output_throughput"), LevelMetric(s, "request_throughput"), LevelMetric(s, "error_rate")) +
         (s.level.contains("cost")
              ? fmt::format("{} cost_usd={} cost_per_1k_requests_usd={} cost_per_million_input_tokens_usd={} "
                            "cost_per_million_output_tokens_usd={} cost_per_million_tokens_usd={}\n",
                            s.load_level.open() ? fmt::format("rate={:g}", s.load_level.rate)
                                                : fmt::format("concurrency={}", s.load_level.concurrency),
                            Usd(s, "cost"), Usd(s, "cost_per_1k_requests"), Usd(s, "cost_per_million_input_tokens"),
                            Usd(s, "cost_per_million_output_tokens"), Usd(s, "cost_per_million_tokens"))
              : "");
}

std::vector<TableRow> LevelRows(const std::vector<metrics::Summary>& levels) {
  using metrics::Stats;
  std::vector<TableRow> out;
  const auto row = [&](const std::string& name, auto value) {
    TableRow r{name, {}};
    for (const auto& l : levels) r.cells.push_back(value(l));
    out.push_back(std::move(r));
  };
  row("requests (failed)", [](const auto& l) { return fmt::format("{} ({})", l.requests, l.requests - l.succeeded); });
  for (const auto& [label, metric, field] : {std::tuple{"TTFT p50 (ms)", "ttft", &Stats::p50},
                                             {"TTFT p95 (ms)", "ttft", &Stats::p95},
                                             {"TTFT p99 (ms)", "ttft", &Stats::p99},
                                             {"ITL p50 (ms)", "itl", &Stats::p50},
                                             {"ITL p95 (ms)", "itl", &Stats::p95},
                                             {"TPOT p50 (ms)", "tpot", &Stats::p50},
                                             {"E2E p50 (ms)", "e2e", &Stats::p50},
                                             {"E2E p95 (ms)", "e2e", &Stats::p95}}) {
    row(label, [&, m = metric, f = field](const auto& l) { return OneDecimal(Stat(l, m, f)); });
  }
  row("output (tok/s)", [](const auto& l) { return fmt::format("{:.1f}", LevelMetric(l, "output_throughput")); });
  row("requests/s", [](const auto& l) { return fmt::format("{:.2f}", LevelMetric(l, "request_throughput")); });
  row("error rate", [](const auto& l) { return FormatValue(LevelMetric(l, "error_rate"), "fraction"); });
  row("TTFT > 3 s", [](const auto& l) { return FormatValue(LevelMetric(l, "ttft_over_3s"), "fraction"); });
  const auto any = [&](auto pred) { return std::any_of(levels.begin(), levels.end(), pred); };
  if (any([](const metrics::Summary& l) { return l.load_level.open(); })) {
    row("sent (req/s)", [](const auto& l) { return OneDecimal(LevelMetric(l, "send_rate")); });
    row("schedule lag p99 (ms)", [](const auto& l) {
      return l.load_level.open() ? fmt::format("{:.3f}", Stat(l, "schedule_lag", &Stats::p99)) : std::string("-");
    });
    row("dropped", [](const auto& l) { return l.load_level.open() ? std::to_string(l.dropped) : std::string("-"); });
  }
  // Cost: the level's whole cost over each count ([engines.x] cost_per_hour or token prices).
  if (any([](const metrics::Summary& l) { return l.level.contains("cost"); })) {
    for (const auto& [label, metric] : {std::pair{"cost per 1K requests (USD)", "cost_per_1k_requests"},
                                        {"cost per 1M input tokens (USD)", "cost_per_million_input_tokens"},
                                        {"cost per 1M output tokens (USD)", "cost_per_million_output_tokens"},
                                        {"cost per 1M tokens (USD)", "cost_per_million_tokens"}}) {
      row(label, [m = metric](const auto& l) {
        const double v = LevelMetric(l, m);
        return std::isnan(v) ? std::string("-") : fmt::format("{:.4g}", v);
      });
    }
  }
  // Multi-turn classes: TTFT per turn, where an engine's prefix cache shows.
  for (std::int32_t turn = 1;; ++turn) {
    const std::string id = metrics::TurnTtftId(turn);
    if (!any([&](const metrics::Summary& l) { return l.Find(id) != nullptr; })) break;
    const std::string label = fmt::format("TTFT p50, turn {} (ms)", turn);
    row(label, [&](const auto& l) { return OneDecimal(Stat(l, id.c_str(), &Stats::p50)); });
  }
  if (any([](const metrics::Summary& l) { return l.load_level.search(); })) {
    row("max rate under SLO (req/s)", [](const auto& l) {
      return l.load_level.search() ? fmt::format("{:.3g}", LevelMetric(l, "max_rate_under_slo")) : std::string("-");
    });
  }
  if (any([](const metrics::Summary& l) { return !l.invalid.empty(); })) {
    row("valid", [](const auto& l) { return l.invalid.empty() ? std::string("✅") : "❌ " + l.invalid; });
  }
  return out;
}

}  // namespace llmbench::report
