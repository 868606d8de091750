#include "gate/thresholds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "metrics/catalog.hpp"

namespace llmbench::gate {

double MeasuredValue(const scenario::ParsedThreshold& rule, const metrics::Summary& s) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (rule.statistic.empty() || rule.metric.rfind("server.", 0) == 0) {  // server.*: "server.<family>.<stat>"
    const auto it = s.level.find(rule.statistic.empty() ? rule.metric : rule.metric + "." + rule.statistic);
    return it == s.level.end() ? kNaN : it->second;
  }
  const metrics::Stats* st = s.Find(rule.metric);
  if (!st) return kNaN;
  const std::string& stat = rule.statistic;
  if (stat == "mean") return st->mean;
  if (stat == "stddev") return st->stddev;
  if (stat == "min") return st->min;
  if (stat == "max") return st->max;
  if (stat == "p50") return st->p50;
  if (stat == "p90") return st->p90;
  if (stat == "p95") return st->p95;
  if (stat == "p99") return st->p99;
  return kNaN;
}

std::vector<ThresholdResult> EvaluateThresholds(const std::vector<scenario::ThresholdSpec>& rules,
                                                const std::vector<metrics::Summary>& levels) {
  std::vector<ThresholdResult> out;
  for (const auto& rule : rules) {
    const metrics::MetricInfo* info = metrics::FindMetric(rule.parsed.metric);
    for (const auto& level : levels) {
      // The search's numbers are judged at the search, every other metric at the levels; the
      // schedule's (lag, drops, rates) at the levels that have one.
      const std::string& m = rule.parsed.metric;
      const bool search_metric = m == "max_rate_under_slo" || m == "search_probes";
      const bool schedule_metric = m == "schedule_lag" || m == "send_rate" || m == "offered_rate" ||
                                   m == "dropped_sends" || m == "drained_requests";
      if (search_metric != level.load_level.search()) continue;
      if (schedule_metric && !level.load_level.open()) continue;
      if (!level.load_level.search() && !rule.AppliesTo(level.load_level)) continue;
      ThresholdResult r{rule.expression,
                        level.load_level,
                        MeasuredValue(rule.parsed, level),
                        rule.parsed.value,
                        info ? std::string(info->unit) : "",
                        false,
                        rule.check};
      if (!std::isnan(r.measured)) {
        switch (rule.parsed.op) {
          case scenario::Comparison::Less:
            r.passed = r.measured < r.limit;
            break;
          case scenario::Comparison::LessEqual:
            r.passed = r.measured <= r.limit;
            break;
          case scenario::Comparison::Greater:
            r.passed = r.measured > r.limit;
            break;
          case scenario::Comparison::GreaterEqual:
            r.passed = r.measured >= r.limit;
            break;
          case scenario::Comparison::Equal:
            r.passed = r.measured == r.limit;
            break;
        }
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace llmbench::gate
