// Evaluates a scenario's threshold rules against a case's level summaries.
#pragma once

#include <string>
#include <vector>

#include "metrics/summary.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::gate {

/// One rule at one level, with the measured value even when it passes.
struct ThresholdResult {
  std::string rule;  ///< as written
  scenario::Level load_level;
  double measured = 0;  ///< in the metric's catalogue unit; NaN when there was no sample
  double limit = 0;
  std::string unit;
  bool passed = false;
  std::string check;  ///< the correctness check it expresses ([checks]); "" = a threshold rule
};

/// Every rule against every level it applies to, in rule order then level order. A rule on a
/// metric with no sample at a level (e.g. server timings the engine does not report) fails:
/// a rule that cannot be checked must not pass silently.
std::vector<ThresholdResult> EvaluateThresholds(const std::vector<scenario::ThresholdSpec>& rules,
                                                const std::vector<metrics::Summary>& levels);

/// The value a rule reads from a summary (NaN if absent).
double MeasuredValue(const scenario::ParsedThreshold& rule, const metrics::Summary& summary);

}  // namespace llmbench::gate
