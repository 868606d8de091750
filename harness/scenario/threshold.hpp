// Threshold rules: the grammar, parsed and type-checked against the metric catalogue at load.
//
//   rule      = metric [ "." statistic ] op number [ unit ]      (spaces allowed between)
//   metric    = a catalogue id (metrics/catalog.cpp), or "errors" with statistic "rate"
//   statistic = "mean" | "stddev" | "min" | "max" | "p50" | "p90" | "p95" | "p99"
//               — required for per-request metrics, forbidden for per-level ones
//   op        = "<" | "<=" | ">" | ">="
//   unit      = the metric's dimension: a duration unit (ns us ms s m h) for times,
//               "%" for rates and percentages, "tok/s", "req/s", "tok", "USD", "s";
//               none for counts. A missing or foreign unit is an error.
//
// Examples: "ttft.p95 < 500ms", "itl.p50 <= 40ms", "output_throughput > 900 tok/s",
// "errors.rate < 1%", "ttft_over_3s < 5%", "cost_per_million_output_tokens < 2 USD".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmbench::scenario {

enum class Comparison { Less, LessEqual, Greater, GreaterEqual, Equal };

std::string_view ToString(Comparison c);

/// A parsed rule; `value` is in the catalogue unit of `metric` (ms, fraction, tok/s, ...).
struct ParsedThreshold {
  std::string metric;     ///< catalogue id ("errors.rate" → "error_rate"), or "server.<family>"
                          ///< for a statistic of the engine's own /metrics (kServerStatistics)
  std::string statistic;  ///< "" for per-level metrics
  Comparison op = Comparison::Less;
  double value = 0;
};

/// What is wrong with a rule, and where in its text (0-based offset).
struct ThresholdError {
  std::string message;
  std::string hint;
  std::size_t offset = 0;
};

/// Parses one rule; exactly one of the results is set.
std::optional<ParsedThreshold> ParseThreshold(std::string_view text, ThresholdError& error);

}  // namespace llmbench::scenario
