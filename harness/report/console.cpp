#include "report/console.hpp"

#include <fmt/format.h>

#include <unistd.h>
#include <algorithm>

#include <chrono>
#include <cmath>

#include "report/format.hpp"

namespace llmbench::report {
namespace {

std::string Ms(const metrics::Summary& s, const char* id, double metrics::Stats::*field) {
  return OneDecimal(Stat(s, id, field));
}

}  // namespace

ProgressLine::ProgressLine(std::string label, const load::Progress& progress)
    : label_(std::move(label)), progress_(progress) {
  if (!isatty(STDERR_FILENO)) return;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      fmt::print(stderr, "\r\033[K{}: {}/{} requests done, {} errors, {} retries (429)", label_, progress_.done.load(),
                 progress_.total.load(), progress_.errors.load(), progress_.retries.load());
      std::fflush(stderr);
      for (int i = 0; i < 25 && !stop_.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    fmt::print(stderr, "\r\033[K");
  });
}

ProgressLine::~ProgressLine() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string LevelLine(const metrics::Summary& s) {
  using metrics::Stats;
  return fmt::format(
             "  {}: {} requests ({} failed), TTFT p50 {} ms p95 {} ms, ITL p50 {} ms, TPOT p50 {} ms, "
             "E2E p50 {} ms, {:.1f} output tok/s, {:.2f} req/s",
             s.load_level.kind != scenario::Level::Kind::Closed
                 ? scenario::Describe(s.load_level)
                 : fmt::format("concurrency {:>4}", s.load_level.concurrency),
             s.requests, s.requests - s.succeeded, Ms(s, "ttft", &Stats::p50), Ms(s, "ttft", &Stats::p95),
             Ms(s, "itl", &Stats::p50), Ms(s, "tpot", &Stats::p50), Ms(s, "e2e", &Stats::p50),
             LevelMetric(s, "output_throughput"), LevelMetric(s, "request_throughput")) +
         (s.load_level.open()
              ? fmt::format(", sent {:.2f} req/s, schedule lag p50 {} ms p99 {} ms, {} dropped",
                            LevelMetric(s, "send_rate"), fmt::format("{:.3f}", Stat(s, "schedule_lag", &Stats::p50)),
                            fmt::format("{:.3f}", Stat(s, "schedule_lag", &Stats::p99)), s.dropped)
              : "") +
         (s.level.contains("cost")
              ? fmt::format(", cost ${:.4g} per 1K requests, ${:.4g} per 1M output tokens",
                            LevelMetric(s, "cost_per_1k_requests"), LevelMetric(s, "cost_per_million_output_tokens"))
              : "");
}

std::string FinalTable(const std::vector<CaseRow>& rows) {
  using metrics::Stats;
  std::size_t w = 7;  // the level column: as wide as its widest label
  for (const auto& row : rows)
    for (const auto& s : row.levels) w = std::max(w, scenario::ShortLabel(s.load_level).size());
  std::string out =
      fmt::format("{:<40} {:>{}} {:>5} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>8}\n", "case", "level", w,
                  "req", "fail", "TTFT p50", "TTFT p95", "ITL p50", "TPOT p50", "E2E p50", "out tok/s", "req/s");
  out += fmt::format("{:<40} {:>{}} {:>5} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>8}\n", "", "", w, "", "",
                     "ms", "ms", "ms", "ms", "ms", "", "");
  for (const auto& row : rows) {
    if (row.levels.empty()) out += fmt::format("{:<40} {}: {}\n", row.case_id, row.status, row.message);
    for (const auto& s : row.levels) {
      if (s.load_level.search()) {
        out += fmt::format("{:<40} {:>{}} max rate under the SLO {:g} req/s ({:g} probes){}\n", row.case_id, "search",
                           w, LevelMetric(s, "max_rate_under_slo"), LevelMetric(s, "search_probes"),
                           s.invalid.empty() ? "" : "; invalid: " + s.invalid);
        continue;
      }
      out += fmt::format("{:<40} {:>{}} {:>5} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10.1f} {:>8.2f}\n",
                         row.case_id, scenario::ShortLabel(s.load_level), w, s.requests, s.requests - s.succeeded,
                         Ms(s, "ttft", &Stats::p50), Ms(s, "ttft", &Stats::p95), Ms(s, "itl", &Stats::p50),
                         Ms(s, "tpot", &Stats::p50), Ms(s, "e2e", &Stats::p50), LevelMetric(s, "output_throughput"),
                         LevelMetric(s, "request_throughput"));
    }
  }
  return out;
}

}  // namespace llmbench::report
