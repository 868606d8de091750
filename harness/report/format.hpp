// Shared wording of the reporters: values with units, changes with intervals, check names.
#pragma once

#include <string>
#include <vector>

#include "gate/compare.hpp"
#include "gate/thresholds.hpp"
#include "metrics/summary.hpp"

namespace llmbench::report {

/// "12.9 ms", "3153 tok/s", "1.5%" (fractions shown as percentages), "-" for NaN.
std::string FormatValue(double value, const std::string& unit);

/// "12.3", or "-" for NaN (table cells whose unit is in the header).
std::string OneDecimal(double value);

/// A relative change as "+4.20%", or an error rate's difference as "+1.50 pt" (`points`); "-" for NaN.
std::string SignedPercent(double fraction, bool points);

/// Text for a Markdown table cell: line breaks become spaces, '|' is escaped.
std::string MarkdownCell(std::string text);

/// "ttft.p50", "output_throughput".
std::string MetricLabel(const gate::Comparison& c);

/// "+4.2% [−1.0%, +9.8%]" (absolute points for error_rate).
std::string FormatChange(const gate::Comparison& c);

/// "12.90 ms → 13.44 ms, +4.2% [−1.0%, +9.8%], MDE 6.1%, n=64/64: unchanged".
std::string DescribeComparison(const gate::Comparison& c);

/// "measured 13.7 ms, limit < 2000 ms".
std::string DescribeThreshold(const gate::ThresholdResult& t);

/// key=value lines of a level's main figures (units in the key names), for <system-out>.
std::string MetricsLines(const metrics::Summary& s);

/// One figure of a case across its levels: a label and one cell per level (plain text).
struct TableRow {
  std::string label;
  std::vector<std::string> cells;
};

/// The per-level figures every report shows for a case (requests, latencies, throughput,
/// errors, open-loop figures, cost, per-turn TTFT, the search's result, validity), in order.
std::vector<TableRow> LevelRows(const std::vector<metrics::Summary>& levels);

/// A per-request statistic of a summary (NaN when absent).
double Stat(const metrics::Summary& s, const char* metric, double metrics::Stats::*field);
double LevelMetric(const metrics::Summary& s, const char* metric);

}  // namespace llmbench::report
