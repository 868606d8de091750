// The history of every run's summary, in a local SQLite database (REPORTS/history.sqlite): one
// row per run × case × level × metric, so that a metric's trend over commits can be drawn and a
// slow drift that never crosses the gate's tolerance in one pull request becomes visible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llmbench::report {

struct HistoryPoint {
  std::string started_utc, git_commit, host;
  std::string level;  ///< "c=8", "r=10"
  double value = 0;   ///< in the catalogue unit
};

/// The metrics kept per level: "ttft.p50" etc. (distribution statistics) and level metrics.
const std::vector<std::string>& HistoryMetrics();

class History {
 public:
  /// Opens (creating when absent) the database; throws std::runtime_error saying why not.
  explicit History(const std::string& path);
  ~History();
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  /// Adds every case and level of the results.json files found under `dirs` (recursively).
  /// A run already in the database is not added twice. Returns the rows added.
  std::int64_t Add(const std::vector<std::string>& dirs);

  /// One metric of one case over time, oldest first; `level` "" = every level.
  std::vector<HistoryPoint> Trend(const std::string& case_id, const std::string& metric,
                                  const std::string& level = "") const;

  /// The cases in the database.
  std::vector<std::string> Cases() const;

 private:
  struct Db;
  Db* db_;
};

/// An SVG line chart of the trend: x the runs in time order (labelled by commit), one series
/// per level, the y axis from zero.
std::string TrendSvg(const std::string& case_id, const std::string& metric, const std::vector<HistoryPoint>& points);

/// "ttft.p50 at c=8: 51.03 → 54.90 ms over 12 runs (+7.6 %); least-squares slope +0.6 % per run".
std::vector<std::string> DescribeTrend(const std::string& metric, const std::vector<HistoryPoint>& points);

}  // namespace llmbench::report
