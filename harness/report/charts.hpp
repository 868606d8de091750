// Every chart of a report, built once: the HTML report inlines them, `llmbench report` writes
// each as its own SVG file (charts/<file>) and the Markdown summary links those files (a PR
// comment cannot embed SVG). Pure functions of the RunReport (golden files).
#pragma once

#include <string>
#include <vector>

#include "report/run_report.hpp"

namespace llmbench::report {

struct Chart {
  std::string scenario, prompt_class;
  std::string case_id;  ///< "" = a chart of the scenario × class (every engine a series)
  std::string file;     ///< unique in the report, [A-Za-z0-9._-] only: "quickstart.short.ttft-by-level.svg"
  std::string title;
  std::string svg;
};

/// In display order: per scenario, per class the engines' charts (by level, latency vs
/// throughput, server vs client, network overhead, tokens, CDFs per engine), then per case its
/// own (TTFT box per level, TTFT/TPOT/E2E CDFs per level, a request timeline of one level).
std::vector<Chart> BuildCharts(const RunReport& report);

}  // namespace llmbench::report
