#include "metrics/request_metrics.hpp"

#include <algorithm>
#include <limits>

namespace llmbench::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }
double MsOrNaN(std::int64_t ns) { return ns < 0 ? kNaN : Ms(ns); }

}  // namespace

RequestMetrics Measure(const load::Record& r) {
  RequestMetrics m;
  const auto chunks = static_cast<std::int64_t>(r.chunk_ns.size());
  // Open loop: from the intended send time (wrk2's rule), so the client's lag and 429 back-off
  // are the user's wait too; closed loop: from the final attempt's send.
  const std::int64_t from = r.intended_ns > 0 ? r.intended_ns : r.start_ns;
  m.e2e = Ms(r.done_ns - from);
  m.ttft = chunks > 0 ? Ms(r.chunk_ns.front() - from) : kNaN;
  m.itl.reserve(r.chunk_ns.size());
  for (std::size_t i = 1; i < r.chunk_ns.size(); ++i) m.itl.push_back(Ms(r.chunk_ns[i] - r.chunk_ns[i - 1]));

  // Output tokens: the server's usage, else one per token event (TGI), else one per chunk.
  std::int64_t out = r.completion_tokens;
  if (out < 0) {
    m.output_tokens_counted = true;
    out = r.token_events > 0 ? r.token_events : chunks;
  }
  m.output_tokens = static_cast<double>(out);
  m.input_tokens_counted = r.prompt_tokens < 0;
  m.input_tokens = static_cast<double>(r.prompt_tokens >= 0 ? r.prompt_tokens : r.target_input_tokens);
  m.input_length_error = r.prompt_tokens >= 0 && r.target_input_tokens > 0
                             ? 100.0 * static_cast<double>(r.prompt_tokens - r.target_input_tokens) /
                                   static_cast<double>(r.target_input_tokens)
                             : kNaN;
  m.tpot = out >= 2 && chunks > 0 ? (m.e2e - m.ttft) / static_cast<double>(out - 1) : kNaN;
  m.tokens_per_chunk = chunks > 0 ? static_cast<double>(out) / static_cast<double>(chunks) : kNaN;
  if (!r.streamed) {  // the answer came whole: when its first token was ready is not visible here
    m.ttft = m.tpot = m.tokens_per_chunk = kNaN;
    m.itl.clear();
  }
  m.request_output_speed = m.e2e > 0 ? static_cast<double>(out) / (m.e2e / 1e3) : kNaN;
  m.connect = MsOrNaN(r.connect_ns);
  // Prompt-cache hits: the server's own count, else what llama.cpp says it did not compute.
  if (r.cached_prompt_tokens >= 0) {
    m.cached_prompt_tokens = static_cast<double>(r.cached_prompt_tokens);
  } else if (r.evaluated_prompt_tokens >= 0 && r.prompt_tokens >= 0) {
    m.cached_prompt_tokens =
        static_cast<double>(std::max<std::int64_t>(0, r.prompt_tokens - r.evaluated_prompt_tokens));
  } else {
    m.cached_prompt_tokens = kNaN;
  }
  m.server_queue = MsOrNaN(r.server.queue_ns);
  m.server_prompt = MsOrNaN(r.server.prompt_ns);
  m.server_completion = MsOrNaN(r.server.completion_ns);
  m.server_total = MsOrNaN(r.server.total_ns);
  if (r.server.total_ns > 0) {
    m.network_overhead = m.e2e - m.server_total;
    m.network_overhead_pct = 100.0 * m.network_overhead / m.server_total;
  } else {
    m.network_overhead = m.network_overhead_pct = kNaN;
  }
  return m;
}

}  // namespace llmbench::metrics
