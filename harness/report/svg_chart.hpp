// Charts as SVG text, written by llmbench itself: no network, no JavaScript, no plotting
// library to install (gnuplot would add a process and a package for a handful of line charts;
// what these need — axes from zero, nice ticks, a legend, points with tooltips — is small).
// Pure functions: the same data give the same bytes (golden files).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "metrics/statistics.hpp"
#include "report/samples.hpp"

namespace llmbench::report {

struct SvgSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  ///< (x, y); NaN y leaves a gap
  bool dashed = false;
  int colour = -1;      ///< palette index (series of one engine share theirs); -1 = by position
  bool markers = true;  ///< a dot with a tooltip per point (off for dense lines such as CDFs)
};

/// A line chart. The y axis always starts at zero (every metric here is ≥ 0), so a 0.04 %
/// change never fills the height. With `categories`, x values are indices into them (levels
/// such as "c=8", "r=10"), evenly spaced; otherwise x is numeric and starts at zero too.
struct LineChart {
  std::string title;
  std::string x_label, y_label;  ///< with units: "output throughput (tok/s)"
  std::vector<std::string> categories;
  std::vector<SvgSeries> series;
  int width = 560, height = 320;
};

/// One box per label: the box spans p50–p95, whiskers min–max, a tick at p99, a dot at the mean
/// (the summaries keep these statistics, not quartiles; the legend says so).
struct DistributionChart {
  std::string title, y_label;
  std::vector<std::pair<std::string, metrics::Stats>> boxes;
  int width = 560, height = 320;
};

/// Requests as horizontal bars on a time axis (ms since the first send), one row each in send
/// order: sent → first token (waiting), first token → end (streaming), failed requests whole in
/// another colour.
struct TimelineChart {
  std::string title;
  std::vector<RequestSpan> requests;
  int width = 560, height = 320;
};

std::string RenderSvg(const LineChart& chart);
std::string RenderSvg(const DistributionChart& chart);
std::string RenderSvg(const TimelineChart& chart);

/// A sorted sample as a CDF line: at most `points` (x = value, y = fraction of samples ≤ x).
std::vector<std::pair<double, double>> CdfPoints(const std::vector<double>& sorted, std::size_t points = 101);

/// Axis ticks: a "nice" step (1, 2 or 5 × 10^k) giving about `count` ticks from 0 to ≥ max.
std::vector<double> NiceTicks(double max, int count = 5);

}  // namespace llmbench::report
