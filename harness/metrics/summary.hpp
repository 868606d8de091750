// Summary: one concurrency level's statistics, from its records.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "load/load_generator.hpp"
#include "metrics/statistics.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::metrics {

/// Prices for the cost metric (scenario engine settings).
struct Pricing {
  std::optional<double> cost_per_hour;
  std::optional<double> price_per_million_input;
  std::optional<double> price_per_million_output;
};

struct Summary {
  std::int64_t concurrency = 0;
  std::int64_t requests = 0;  ///< measured (warm-up excluded)
  std::int64_t succeeded = 0;
  std::int64_t warmup = 0;
  std::map<std::string, std::int64_t> errors;  ///< by ErrorKind name, measured requests only
  bool cut_short = false;
  bool output_tokens_counted = false;  ///< some output counts did not come from server usage
  bool input_tokens_counted = false;
  /// Per-level metrics by catalogue id (request_throughput, output_throughput, ...).
  std::map<std::string, double> level;
  /// Per-request metrics by catalogue id, in catalogue order; metrics with no sample omitted.
  std::vector<std::pair<std::string, Stats>> distributions;

  const Stats* Find(std::string_view id) const;
};

/// `slo` empty: no goodput metrics (they would only repeat the throughput).
Summary Summarize(const load::LevelOutcome& outcome, const Pricing& pricing, const scenario::Slo& slo = {});

}  // namespace llmbench::metrics
