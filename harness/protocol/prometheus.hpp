// The Prometheus text exposition format (version 0.0.4, and the OpenMetrics lines engines mix
// in): what vLLM, TGI, SGLang and llama.cpp (--metrics) serve at /metrics.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmbench::protocol {

struct PromSample {
  std::string name;                                         ///< "vllm:num_requests_running"
  std::vector<std::pair<std::string, std::string>> labels;  ///< unescaped, in the order written
  double value = 0;                                         ///< +Inf, -Inf and NaN included
  std::string Label(std::string_view key) const;            ///< "" when absent
};

struct PromScrape {
  std::vector<PromSample> samples;
  std::map<std::string, std::string> types;  ///< family name → "counter" | "gauge" | "histogram" | …
  std::vector<std::string> errors;           ///< "line 12: …" for lines that are not the format
};

/// Parses an exposition. Never throws; a bad line is reported in errors and skipped, the rest is
/// kept. Handles # HELP / # TYPE, label escapes (\\ \" \n), +Inf / -Inf / NaN, timestamps,
/// exemplars (" # {...} v"), CRLF line ends, families without # TYPE.
PromScrape ParsePrometheus(std::string_view text);

/// What a level did to an engine's metrics, from the scrapes taken before, during and after it.
/// Keys are "<family>.<statistic>" (summed over label sets):
///   counters (TYPE counter, or untyped names ending in _total): delta (last − first);
///   gauges (and untyped others): max, mean over the scrapes, last;
///   histograms: count and sum deltas, mean (Δsum/Δcount), p50/p90/p99 from the bucket deltas
///   (linear within a bucket, as Prometheus' histogram_quantile does).
/// A counter that went down (the engine restarted) has no delta.
std::map<std::string, double> ScrapeStatistics(const std::vector<PromScrape>& scrapes);

}  // namespace llmbench::protocol
