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
  const bool terminal = isatty(STDERR_FILENO) != 0;
  thread_ = std::thread([this, terminal] {
    const auto start = std::chrono::steady_clock::now();
    std::int64_t tenths_said = 0;  // not a terminal (a CI log): one line per 10 %
    // "c=8 run 1/3: 512/1024 requests (50%), 3 errors, 0 retries (429), 41.2 req/s, ETA 12 s"
    const auto line = [&] {
      const std::int64_t done = progress_.done.load(), total = progress_.total.load();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
      return fmt::format("{}: {}/{} requests ({:.0f}%), {} errors, {} retries (429), {:.1f} req/s, ETA {}", label_,
                         done, total, total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0.0,
                         progress_.errors.load(), progress_.retries.load(), rate,
                         rate > 0 && total >= done ? fmt::format("{:.0f} s", static_cast<double>(total - done) / rate)
                                                   : std::string("-"));
    };
    while (!stop_.load()) {
      const std::int64_t total = progress_.total.load();
      const std::int64_t tenths = total > 0 ? progress_.done.load() * 10 / total : 0;
      if (terminal) {
        fmt::print(stderr, "\r\033[K{}", line());
        std::fflush(stderr);
      } else if (tenths > tenths_said && tenths < 10) {
        tenths_said = tenths;
        fmt::print(stderr, "{}\n", line());
        std::fflush(stderr);
      }
      for (int i = 0; i < 25 && !stop_.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (terminal) fmt::print(stderr, "\r\033[K");
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
         (s.level.contains("cost_per_1k_requests")  // absent when nothing succeeded
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
