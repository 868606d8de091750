#include "report/history.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "base/find_files.hpp"
#include "gate/json_codec.hpp"
#include "metrics/catalog.hpp"
#include "report/format.hpp"
#include "report/svg_chart.hpp"

namespace llmbench::report {

struct History::Db {
  sqlite3* handle = nullptr;
};

namespace {

using nlohmann::json;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS measurements (started_utc TEXT NOT NULL, host TEXT NOT NULL, git_commit TEXT, "
    "harness_version TEXT, case_id TEXT NOT NULL, level TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, "
    "UNIQUE (started_utc, host, case_id, level, metric));"
    "CREATE INDEX IF NOT EXISTS by_case_metric ON measurements (case_id, metric, started_utc);";

// A prepared statement, finalised on every path.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
      throw std::runtime_error(fmt::format("history database: {}", sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(s_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  void Bind(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.c_str(), -1, SQLITE_TRANSIENT); }
  void Bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
  bool Step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) throw std::runtime_error(fmt::format("history database: {}", sqlite3_errmsg(db_)));
    return false;
  }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::string Text(int i) const {
    const auto* t = sqlite3_column_text(s_, i);
    return t != nullptr ? reinterpret_cast<const char*>(t) : "";
  }
  double Real(int i) const { return sqlite3_column_double(s_, i); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error != nullptr ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error("history database: " + why);
  }
}

// A kept metric's value in a level summary (NaN when it has none).
double ValueOf(const metrics::Summary& s, const std::string& metric) {
  const auto dot = metric.find('.');
  if (dot == std::string::npos) return LevelMetric(s, metric.c_str());
  const std::string id = metric.substr(0, dot), stat = metric.substr(dot + 1);
  double metrics::Stats::*field = stat == "p50"   ? &metrics::Stats::p50
                                  : stat == "p95" ? &metrics::Stats::p95
                                  : stat == "p99" ? &metrics::Stats::p99
                                                  : &metrics::Stats::mean;
  return Stat(s, id.c_str(), field);
}

std::string UnitOf(const std::string& metric) {
  const metrics::MetricInfo* info = metrics::FindMetric(metric.substr(0, metric.find('.')));
  return info != nullptr ? std::string(info->unit) : "";
}

}  // namespace

const std::vector<std::string>& HistoryMetrics() {
  static const std::vector<std::string> kMetrics{"ttft.p50",
                                                 "ttft.p95",
                                                 "ttft.p99",
                                                 "tpot.p50",
                                                 "itl.p50",
                                                 "e2e.p50",
                                                 "e2e.p95",
                                                 "output_throughput",
                                                 "request_throughput",
                                                 "error_rate",
                                                 "max_rate_under_slo",
                                                 "cost_per_1k_requests"};
  return kMetrics;
}

History::History(const std::string& path) : db_(new Db) {
  std::error_code ec;
  if (const auto parent = std::filesystem::path(path).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent, ec);
  if (sqlite3_open(path.c_str(), &db_->handle) != SQLITE_OK) {
    const std::string why = db_->handle != nullptr ? sqlite3_errmsg(db_->handle) : "out of memory";
    sqlite3_close(db_->handle);
    delete db_;
    throw std::runtime_error(fmt::format("cannot open the history database {}: {}", path, why));
  }
  sqlite3_busy_timeout(db_->handle, 5000);  // two report steps at once wait for each other
  try {
    Exec(db_->handle, kSchema);
  } catch (...) {
    sqlite3_close(db_->handle);
    delete db_;
    throw;
  }
}

History::~History() {
  sqlite3_close(db_->handle);
  delete db_;
}

std::int64_t History::Add(const std::vector<std::string>& dirs) {
  namespace fs = std::filesystem;
  const auto files = FindFiles(
      dirs, [](const fs::path& p) { return p.filename() == "results.json"; }, true);
  Exec(db_->handle, "BEGIN");
  std::int64_t added = 0;
  try {
    Statement insert(db_->handle,
                     "INSERT OR IGNORE INTO measurements (started_utc, host, git_commit, harness_version, case_id, "
                     "level, metric, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& file : files) {
      const json results = gate::ReadJsonFile(file);
      if (!results.is_object() || results.contains("client")) continue;  // a client host's part is not a run
      const json& p = results.value("provenance", json::object());
      for (const auto& c : results.value("cases", json::array())) {
        for (const auto& l : c.value("levels", json::array())) {
          const metrics::Summary s = gate::SummaryFromJson(l.value("summary", json::object()));
          for (const auto& metric : HistoryMetrics()) {
            const double v = ValueOf(s, metric);
            if (!std::isfinite(v)) continue;
            insert.Bind(1, p.value("started_utc", ""));
            insert.Bind(2, p.value("host", ""));
            insert.Bind(3, p.value("git_commit", ""));
            insert.Bind(4, p.value("harness_version", ""));
            insert.Bind(5, c.value("id", ""));
            insert.Bind(6, scenario::ShortLabel(s.load_level));
            insert.Bind(7, metric);
            insert.Bind(8, v);
            insert.Step();
            added += sqlite3_changes(db_->handle);
            insert.Reset();
          }
        }
      }
    }
    Exec(db_->handle, "COMMIT");
  } catch (...) {
    sqlite3_exec(db_->handle, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return added;
}

std::vector<HistoryPoint> History::Trend(const std::string& case_id, const std::string& metric,
                                         const std::string& level) const {
  Statement q(db_->handle,
              "SELECT started_utc, git_commit, host, level, value FROM measurements WHERE case_id = ? AND metric = ? "
              "AND (? = '' OR level = ?) ORDER BY started_utc, host, level");
  q.Bind(1, case_id);
  q.Bind(2, metric);
  q.Bind(3, level);
  q.Bind(4, level);
  std::vector<HistoryPoint> out;
  while (q.Step()) out.push_back({q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Real(4)});
  return out;
}

std::vector<std::string> History::Cases() const {
  Statement q(db_->handle, "SELECT DISTINCT case_id FROM measurements ORDER BY case_id");
  std::vector<std::string> out;
  while (q.Step()) out.push_back(q.Text(0));
  return out;
}

std::string TrendSvg(const std::string& case_id, const std::string& metric, const std::vector<HistoryPoint>& points) {
  // The runs in time order, each labelled by its commit (or its time without one).
  std::vector<std::string> runs;
  std::vector<std::string> labels;
  for (const auto& p : points) {
    const std::string run = p.started_utc + " " + p.host;
    if (std::find(runs.begin(), runs.end(), run) != runs.end()) continue;
    runs.push_back(run);
    labels.push_back(!p.git_commit.empty() ? p.git_commit.substr(0, 7) : p.started_utc.substr(5, 11));
  }
  std::map<std::string, SvgSeries> series;
  for (const auto& p : points) {
    const auto at = std::find(runs.begin(), runs.end(), p.started_utc + " " + p.host) - runs.begin();
    auto& s = series[p.level];
    s.name = p.level;
    s.points.emplace_back(static_cast<double>(at), p.value);
  }
  const std::string unit = UnitOf(metric);
  LineChart chart{fmt::format("{} — {} over runs", case_id, metric),
                  "run (commit)",
                  unit.empty() ? metric : fmt::format("{} ({})", metric, unit),
                  labels,
                  {}};
  chart.width = std::max(560, 60 + 48 * static_cast<int>(labels.size()));
  for (auto& [level, s] : series) chart.series.push_back(std::move(s));
  return RenderSvg(chart);
}

std::vector<std::string> DescribeTrend(const std::string& metric, const std::vector<HistoryPoint>& points) {
  std::map<std::string, std::vector<double>> by_level;
  for (const auto& p : points) by_level[p.level].push_back(p.value);
  const std::string unit = UnitOf(metric);
  std::vector<std::string> out;
  for (const auto& [level, v] : by_level) {
    std::string line = fmt::format("{} at {}: {} → {} over {} run{}", metric, level, FormatValue(v.front(), unit),
                                   FormatValue(v.back(), unit), v.size(), v.size() == 1 ? "" : "s");
    // Least-squares slope of ln(value) per run: a drift too slow for any one comparison.
    if (v.size() >= 3 && std::all_of(v.begin(), v.end(), [](double x) { return x > 0; })) {
      const double n = static_cast<double>(v.size());
      double sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (std::size_t i = 0; i < v.size(); ++i) {
        const double x = static_cast<double>(i), y = std::log(v[i]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
      }
      const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
      line += fmt::format(" ({:+.1f} %); least-squares trend {:+.2f} % per run", (v.back() / v.front() - 1) * 100,
                          (std::exp(slope) - 1) * 100);
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace llmbench::report
