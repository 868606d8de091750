#include "report/format.hpp"

#include <fmt/format.h>

#include <cmath>

#include "metrics/catalog.hpp"

namespace llmbench::report {

std::string FormatValue(double value, const std::string& unit) {
  if (std::isnan(value)) return "-";
  if (unit == "fraction") return fmt::format("{:.2f}%", value * 100);
  if (unit == "%") return fmt::format("{:.1f}%", value);
  if (unit == "count") return fmt::format("{:.0f}", value);
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
              ? fmt::format(
                    "{} cost_usd={:.4g} cost_per_1k_requests_usd={:.4g} cost_per_million_input_tokens_usd={:.4g} "
                    "cost_per_million_output_tokens_usd={:.4g} cost_per_million_tokens_usd={:.4g}\n",
                    s.load_level.open() ? fmt::format("rate={:g}", s.load_level.rate)
                                        : fmt::format("concurrency={}", s.load_level.concurrency),
                    LevelMetric(s, "cost"), LevelMetric(s, "cost_per_1k_requests"),
                    LevelMetric(s, "cost_per_million_input_tokens"), LevelMetric(s, "cost_per_million_output_tokens"),
                    LevelMetric(s, "cost_per_million_tokens"))
              : "");
}

}  // namespace llmbench::report
