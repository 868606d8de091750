// The metric catalogue: one row per metric — id, unit, name, direction and exact definition.
// Reporters, thresholds and comparisons look metrics up here; adding a metric is one row.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace llmbench::metrics {

enum class Direction { LowerIsBetter, HigherIsBetter, Neutral };

/// Per-request metrics have a distribution per level (count, mean, stddev, min, max, p50…p99);
/// level metrics are one number per level.
enum class Scope { PerRequest, PerLevel };

struct MetricInfo {
  std::string_view id;    ///< as used in results files and thresholds: "ttft"
  std::string_view unit;  ///< "ms", "tok", "tok/s", "req/s", "%", "fraction", "USD", "s", "count"
  std::string_view name;  ///< display name
  Direction direction;
  Scope scope;
  std::string_view definition;  ///< the formula, written into every results file
};

std::span<const MetricInfo> Catalog();

/// nullptr when `id` is not a metric.
const MetricInfo* FindMetric(std::string_view id);

/// A multi-turn class's TTFT of turn `turn` (1-based): "ttft_turn_2". FindMetric knows them.
std::string TurnTtftId(std::int32_t turn);

}  // namespace llmbench::metrics
