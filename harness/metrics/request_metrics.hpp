// Record → per-request metrics, exactly as catalog.cpp defines them.
#pragma once

#include <vector>

#include "load/record.hpp"

namespace llmbench::metrics {

/// Values in catalogue units (ms, tok, tok/s, %); NaN where a metric does not apply (tpot with
/// fewer than 2 output tokens, server times the engine does not report).
struct RequestMetrics {
  double ttft = 0, e2e = 0, tpot = 0;
  double output_tokens = 0, input_tokens = 0, tokens_per_chunk = 0, request_output_speed = 0;
  double input_length_error = 0;  ///< % of the target; NaN without usage prompt_tokens
  double connect = 0;
  double cached_prompt_tokens = 0;
  double server_queue = 0, server_prompt = 0, server_completion = 0, server_total = 0;
  double network_overhead = 0, network_overhead_pct = 0;
  std::vector<double> itl;
  bool output_tokens_counted = false;  ///< no server usage: counted from the stream
  bool input_tokens_counted = false;   ///< no server usage: the prompt's target length
};

/// Metrics of a successful record (error == None, at least one text chunk).
RequestMetrics Measure(const load::Record& r);

}  // namespace llmbench::metrics
