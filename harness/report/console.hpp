// What the terminal shows: a progress line while a level runs (only on a terminal), a line per
// finished level, and a compact table at the end. Every number carries its unit.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "load/load_generator.hpp"
#include "metrics/summary.hpp"

namespace llmbench::report {

/// Samples Progress every 250 ms from its own thread (never the measurement loop's): on a
/// terminal it redraws one stderr line (done/total, errors, retries, rate, ETA); otherwise (a CI
/// log) it prints that line once per 10 % done.
class ProgressLine {
 public:
  ProgressLine(std::string label, const load::Progress& progress);
  ~ProgressLine();

 private:
  std::string label_;
  const load::Progress& progress_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct CaseRow {
  std::string case_id;
  std::vector<metrics::Summary> levels;
  std::string status;
  std::string message;
};

/// "c=8  16 req  0 err  TTFT p50 12.3 ms ..." for one finished level.
std::string LevelLine(const metrics::Summary& s);

/// The end-of-run table, one row per case × level.
std::string FinalTable(const std::vector<CaseRow>& rows);

}  // namespace llmbench::report
