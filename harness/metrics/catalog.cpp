#include "metrics/catalog.hpp"

#include <array>

namespace llmbench::metrics {
namespace {

using D = Direction;
using S = Scope;

// Stamps: start = just before the request is handed to the socket (curl); chunk = arrival of
// an event carrying generated text; done = end of the response stream. All monotonic.
constexpr std::array kCatalog{
    MetricInfo{"ttft", "ms", "Time to first token", D::LowerIsBetter, S::PerRequest,
               "first text chunk arrival - request start (open loop: its intended send time)"},
    MetricInfo{"itl", "ms", "Inter-token latency (chunk gap)", D::LowerIsBetter, S::PerRequest,
               "each gap between consecutive text-carrying chunks of a request, pooled over requests"},
    MetricInfo{"tpot", "ms", "Time per output token", D::LowerIsBetter, S::PerRequest,
               "(e2e - ttft) / (output_tokens - 1), requests with at least 2 output tokens (N - 1 decode steps after "
               "the first token; llama.cpp's own predicted_per_token_ms divides predicted_ms by N)"},
    MetricInfo{"e2e", "ms", "End-to-end latency", D::LowerIsBetter, S::PerRequest,
               "end of response stream - request start (open loop: its intended send time)"},
    MetricInfo{"output_tokens", "tok", "Output tokens", D::Neutral, S::PerRequest,
               "server usage completion_tokens; else tokens counted from the stream (flagged)"},
    MetricInfo{"input_tokens", "tok", "Input tokens", D::Neutral, S::PerRequest,
               "server usage prompt_tokens; else the synthesised prompt's target length (flagged)"},
    MetricInfo{"input_length_error", "%", "Input length vs target", D::Neutral, S::PerRequest,
               "100 * (usage prompt_tokens - the class's drawn input length) / that length, requests whose "
               "server reports usage; near 0 with [engines.<name>.tokenizer], else the estimate's miss"},
    MetricInfo{"tokens_per_chunk", "tok", "Tokens per chunk", D::Neutral, S::PerRequest,
               "output_tokens / text-carrying chunks, per request"},
    MetricInfo{"request_output_speed", "tok/s", "Output speed per request", D::HigherIsBetter, S::PerRequest,
               "output_tokens / e2e, per request"},
    MetricInfo{"connect", "ms", "Connect time", D::LowerIsBetter, S::PerRequest,
               "TCP (+TLS) connect of the request's connection; 0 when reused"},
    MetricInfo{"cached_prompt_tokens", "tok", "Prompt tokens from the server's cache", D::Neutral, S::PerRequest,
               "usage.prompt_tokens_details.cached_tokens (OpenAI, vLLM); else prompt_tokens - llama.cpp "
               "timings.prompt_n; requests whose server reports either"},
    MetricInfo{"server_queue", "ms", "Server queue time", D::LowerIsBetter, S::PerRequest,
               "as reported by the server (Cerebras time_info, Groq x_groq; Ollama load_duration)"},
    MetricInfo{"server_prompt", "ms", "Server prompt time", D::LowerIsBetter, S::PerRequest,
               "as reported by the server (prompt_time, llama.cpp timings.prompt_ms)"},
    MetricInfo{"server_completion", "ms", "Server completion time", D::LowerIsBetter, S::PerRequest,
               "as reported by the server (completion_time, timings.predicted_ms, Ollama eval_duration)"},
    MetricInfo{"server_total", "ms", "Server total time", D::LowerIsBetter, S::PerRequest,
               "as reported by the server (total_time, Ollama total_duration; llama.cpp prompt_ms + predicted_ms)"},
    MetricInfo{"network_overhead", "ms", "Network overhead", D::LowerIsBetter, S::PerRequest,
               "e2e - server_total, requests whose server reports a total; includes any queueing the server's "
               "total leaves out (llama.cpp reports no queue time)"},
    MetricInfo{"network_overhead_pct", "%", "Network overhead (relative)", D::LowerIsBetter, S::PerRequest,
               "100 * (e2e - server_total) / server_total"},
    MetricInfo{"request_throughput", "req/s", "Request throughput", D::HigherIsBetter, S::PerLevel,
               "successful measured requests / level duration"},
    MetricInfo{"output_throughput", "tok/s", "Output token throughput", D::HigherIsBetter, S::PerLevel,
               "output tokens of successful measured requests / level duration"},
    MetricInfo{"total_throughput", "tok/s", "Total token throughput", D::HigherIsBetter, S::PerLevel,
               "(input + output tokens) of successful measured requests / level duration"},
    MetricInfo{"goodput", "req/s", "Goodput", D::HigherIsBetter, S::PerLevel,
               "successful measured requests meeting every [slo] objective / level duration"},
    MetricInfo{"goodput_throughput", "tok/s", "Goodput (tokens)", D::HigherIsBetter, S::PerLevel,
               "output tokens of successful measured requests meeting every [slo] objective / level duration"},
    MetricInfo{"slo_attainment", "fraction", "SLO attainment", D::HigherIsBetter, S::PerLevel,
               "measured requests meeting every [slo] objective (failed ones do not) / measured requests"},
    MetricInfo{"duration", "s", "Level duration", D::Neutral, S::PerLevel,
               "last measured completion - first measured request start"},
    MetricInfo{"error_rate", "fraction", "Error rate", D::LowerIsBetter, S::PerLevel,
               "failed measured requests / measured requests"},
    MetricInfo{"ttft_over_3s", "fraction", "Overload (TTFT > 3 s)", D::LowerIsBetter, S::PerLevel,
               "successful measured requests with ttft > 3 s / successful measured requests"},
    MetricInfo{"server_output_tokens_discrepancy", "fraction", "Engine vs client output tokens", D::LowerIsBetter,
               S::PerLevel,
               "|generated-token counter delta on the engine's /metrics - output tokens of the measured requests| / "
               "output tokens of the measured requests (engines with [metrics] and a known counter)"},
    MetricInfo{"output_length_mismatch", "fraction", "Output length not as requested", D::LowerIsBetter, S::PerLevel,
               "successful measured requests whose exact output length (usage, or one-token events) differs "
               "from max_tokens / those whose length is known exactly; [checks] output_length"},
    MetricInfo{"crossover_mismatch", "fraction", "Answers without their own code", D::LowerIsBetter, S::PerLevel,
               "successful measured requests whose answer lacks its prompt's code or carries another request's "
               "/ those checked; [checks] crossover"},
    MetricInfo{"expect_mismatch", "fraction", "Answers not matching expect", D::LowerIsBetter, S::PerLevel,
               "successful measured requests whose answer has no match of the [checks] expect pattern (RE2) / "
               "those checked"},
    MetricInfo{"engine_cpu", "cores", "Engine CPU (on this host)", D::Neutral, S::PerLevel,
               "CPU time of the engine's process / the run's wall time, engines whose URL is loopback and whose "
               "process llmbench can see; a level: the mean over its runs"},
    MetricInfo{"engine_rss", "MiB", "Engine memory (on this host)", D::Neutral, S::PerLevel,
               "resident memory of that process at the end of each run; a level: the largest"},
    MetricInfo{"gpu_utilization", "%", "GPU utilisation (on this host)", D::Neutral, S::PerLevel,
               "nvidia-smi utilization.gpu sampled every 0.5 s during each run, mean over samples and GPUs, when "
               "the engine runs on this host and nvidia-smi is on PATH; a level: the mean over its runs"},
    MetricInfo{"gpu_memory", "MiB", "GPU memory used (on this host)", D::Neutral, S::PerLevel,
               "nvidia-smi memory.used summed over GPUs, the largest sample of each run; a level: the largest"},
    MetricInfo{"retries_429", "count", "HTTP 429 retries", D::LowerIsBetter, S::PerLevel,
               "429 answers retried (each retry counted once)"},
    MetricInfo{"excluded_requests", "count", "Failed requests excluded", D::LowerIsBetter, S::PerLevel,
               "measured requests that failed and were left out of every statistic and the error rate "
               "([load] on_error = \"exclude\", for its exclude_reason)"},
    MetricInfo{"rate_capped_requests", "count", "Requests held back by the rate cap", D::Neutral, S::PerLevel,
               "measured requests the client sent later than it could have, to keep the engine's "
               "requests_per_minute / tokens_per_minute"},
    MetricInfo{"rate_cap_wait", "ms", "Rate-cap wait (mean)", D::Neutral, S::PerLevel,
               "mean time those requests were held back, from a free slot to their send"},
    MetricInfo{"schedule_lag", "ms", "Schedule lag (open loop)", D::LowerIsBetter, S::PerRequest,
               "first send of a request - its intended send time from the level's schedule; every measured "
               "request of an open-loop level, failed ones too"},
    MetricInfo{"offered_rate", "req/s", "Offered rate (open loop)", D::Neutral, S::PerLevel,
               "the level's configured arrival rate"},
    MetricInfo{"send_rate", "req/s", "Achieved send rate (open loop)", D::Neutral, S::PerLevel,
               "(measured sends - 1) / (last first-send - first first-send)"},
    MetricInfo{"drained_requests", "count", "Requests drained after the window (open loop)", D::Neutral, S::PerLevel,
               "measured requests of a level with [load] duration that were sent in its window and finished "
               "after it (in-flight at the end, waited for; their latencies are in the statistics)"},
    MetricInfo{"dropped_sends", "count", "Sends dropped (open loop)", D::LowerIsBetter, S::PerLevel,
               "measured arrivals not sent because max_concurrency requests were in flight"},
    MetricInfo{"max_rate_under_slo", "req/s", "Max rate under the SLO", D::HigherIsBetter, S::PerLevel,
               "[load.slo_search]: the highest open-loop rate whose probe had at least `attainment` of its "
               "requests meet every [slo] objective (and kept its schedule), found by bisection in log space "
               "to within `precision`; one value per repetition"},
    MetricInfo{"search_probes", "count", "SLO search probes", D::Neutral, S::PerLevel,
               "open-loop probes the search ran (each `requests` arrivals)"},
    MetricInfo{"cost", "USD", "Cost of the level", D::Neutral, S::PerLevel,
               "cost_per_hour / 3600 * duration; or, with token prices, (input tokens * price_per_million_input + "
               "output tokens * price_per_million_output) / 1e6, over the measured requests that succeeded"},
    MetricInfo{"cost_per_1k_requests", "USD", "Cost per 1K requests", D::LowerIsBetter, S::PerLevel,
               "cost / succeeded requests * 1000"},
    MetricInfo{"cost_per_million_input_tokens", "USD", "Cost per 1M input tokens", D::LowerIsBetter, S::PerLevel,
               "cost / input tokens * 1e6 (the whole cost over the input tokens)"},
    MetricInfo{"cost_per_million_output_tokens", "USD", "Cost per 1M output tokens", D::LowerIsBetter, S::PerLevel,
               "cost / output tokens * 1e6 (the whole cost over the output tokens)"},
    MetricInfo{"cost_per_million_tokens", "USD", "Cost per 1M tokens", D::LowerIsBetter, S::PerLevel,
               "cost / (input + output tokens) * 1e6"},
};

}  // namespace

std::span<const MetricInfo> Catalog() { return kCatalog; }

const MetricInfo* FindMetric(std::string_view id) {
  for (const auto& m : kCatalog) {
    if (m.id == id) return &m;
  }
  // A turn's TTFT: "ttft_turn_" and the turn's number.
  static constexpr MetricInfo kTurnTtft{
      "ttft_turn_<k>",
      "ms",
      "Time to first token of turn k",
      D::LowerIsBetter,
      S::PerRequest,
      "TTFT of the k-th request of each multi-turn conversation (it sent the k - 1 earlier turns as history; "
      "an engine's prefix cache shows as later turns faster than their growing prompts would be)"};
  constexpr std::string_view kPrefix = "ttft_turn_";
  if (id.size() > kPrefix.size() && id.substr(0, kPrefix.size()) == kPrefix &&
      id.find_first_not_of("0123456789", kPrefix.size()) == std::string_view::npos && id[kPrefix.size()] != '0')
    return &kTurnTtft;
  return nullptr;
}

std::string TurnTtftId(std::int32_t turn) { return "ttft_turn_" + std::to_string(turn); }

}  // namespace llmbench::metrics
