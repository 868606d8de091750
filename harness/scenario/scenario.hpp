// The scenario model: plain structs holding what the user wrote in a TOML file, validated.
// Nothing here knows TOML; load_toml.cpp fills these. Units are carried by the types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "scenario/level.hpp"
#include "scenario/threshold.hpp"

namespace llmbench::scenario {

inline constexpr int kSchemaVersion = 1;

/// Fault injection rates of the built-in simulator; each a probability per request in [0, 1].
struct SimFaults {
  double http_500 = 0;  ///< answer 500 before streaming
  double http_400 = 0;  ///< answer 400 before streaming
  double http_429 = 0;  ///< answer 429 with Retry-After
  Nanoseconds retry_after{std::chrono::seconds(1)};
  double stall = 0;  ///< stop sending mid-stream for `stall_for`, then continue
  Nanoseconds stall_for{std::chrono::seconds(2)};
  double disconnect = 0;    ///< close the connection mid-stream
  double malformed = 0;     ///< send one non-JSON event mid-stream
  double short_output = 0;  ///< end the answer, properly, at half its max_tokens (an engine ignoring ignore_eos)
  double crossover = 0;     ///< answer with the previous request's code (responses mixed between requests)
};

/// The simulator's continuous-batching timing model (see sim/batching_model.hpp).
struct SimSettings {
  std::string wire = "openai-chat";  ///< protocol it speaks to the harness
  Nanoseconds prefill_base{std::chrono::milliseconds(20)};
  Nanoseconds prefill_per_token{std::chrono::microseconds(50)};
  Nanoseconds decode_step{std::chrono::milliseconds(10)};     ///< step time with batch of 1
  Nanoseconds decode_per_seq{std::chrono::microseconds(50)};  ///< added per extra sequence in batch
  std::int64_t max_batch = 256;                               ///< beyond it requests queue
  double jitter = 0;                                          ///< relative stddev of every delay (0.05 = 5 %)
  std::int64_t tokens_per_chunk = 1;
  std::int64_t events_per_write = 1;  ///< SSE events coalesced per socket write (batched delivery)
  SimFaults faults;
  std::uint64_t seed = 1;
  /// A runner's noise, on top of the per-delay jitter: every delay is multiplied by
  /// exp(N(0, run_drift)) drawn once per simulator start (an unchanged re-run in another CI
  /// job), by exp(N(0, drift)) redrawn every drift_period (level-to-level and repetition
  /// drift), and by 1 + neighbour_slowdown while a noisy neighbour is on (it switches on or
  /// off with probability 1/2 every neighbour_period).
  double run_drift = 0;
  double drift = 0;
  Nanoseconds drift_period{std::chrono::seconds(2)};
  double neighbour_slowdown = 0;
  Nanoseconds neighbour_period{std::chrono::seconds(3)};
  /// Seed of the drift and neighbour draws; 0 = a fresh random seed per start (what a runner
  /// does), anything else = reproducible.
  std::uint64_t drift_seed = 0;
  /// How the simulator counts prompt tokens: "estimate" (4/3 per word, llmbench's own estimate,
  /// so synthesised prompts are exact) or "subword" (like a model's tokenizer: BOS + ⌈bytes/4⌉
  /// per word, and chat messages wrapped in a template), which the estimate misses as it misses
  /// real ones. Either is served on the tokenizer endpoints of every TokenizerApi.
  std::string tokenizer = "estimate";
  /// A prefix cache for conversations, as vLLM's and SGLang's: a chat request whose leading
  /// messages are an earlier request's messages followed by the answer the simulator gave it
  /// (a multi-turn conversation's history, sent back verbatim) prefills only its new tokens,
  /// and says so in usage (prompt_tokens_details.cached_tokens) and the truth log.
  bool prefix_cache = false;
};

/// An engine's Prometheus endpoint ([engines.<name>.metrics]), scraped around every run.
struct MetricsEndpoint {
  std::string url = "/metrics";  ///< a path under the engine's URL, or an absolute http(s):// URL
  Nanoseconds interval{0};       ///< also scrape this often during a run; 0 = before and after only
};

/// An engine's tokenizer endpoint ([engines.<name>.tokenizer]): with it, every prompt is
/// resized until the engine itself counts the class's input length (see pipeline/fit_lengths).
struct TokenizerEndpoint {
  std::string api;  ///< protocol::TokenizerApiNames(): "llamacpp", "vllm", "tgi"
  std::string url;  ///< base URL of its endpoints; "" = the engine's url
};

/// How llmbench starts and stops an engine on this host ([engines.<name>.launch]): as a CTest
/// fixture (`llmbench engine start|stop`) or around `llmbench run`'s cases of the engine.
struct Launch {
  std::vector<std::string> command;        ///< argv, ${VAR} expanded; command[0] searched in PATH
  std::map<std::string, std::string> env;  ///< added to llmbench's own environment
  std::string workdir;                     ///< relative to the scenario's folder; "" = that folder
  std::string ready_url = "/health";       ///< a path under the engine's url, or an http(s):// URL; 2xx = ready
  Nanoseconds ready_timeout{std::chrono::minutes(10)};
  std::string log;       ///< stdout + stderr; relative to the scenario's folder; "" = next to the run's results
  int stop_signal = 15;  ///< SIGTERM; then SIGKILL after stop_timeout
  Nanoseconds stop_timeout{std::chrono::seconds(30)};
};

/// One engine under test.
struct Engine {
  std::string name;
  std::string protocol;  ///< protocol::ProtocolNames() ("openai-chat", "tgi", "ollama-chat", …) or "sim"
  std::string url;       ///< base URL, e.g. http://127.0.0.1:8000 ("" for the embedded sim)
  std::string path;      ///< request path; "" = the protocol's default
  std::string model;
  std::string api_key_env;  ///< environment variable holding the key; never the key itself
  std::map<std::string, std::string> headers;
  std::string extra_body_json;                     ///< JSON object merged into every request body
  std::string extra_body_toml;                     ///< TOML text `extra_body = {...}` (effective settings)
  bool force_output_length = true;                 ///< send ignore_eos + min_tokens
  bool required = true;                            ///< unreachable and not required → skipped, not failed
  std::optional<double> cost_per_hour;             ///< USD per hour of the serving hardware
  std::optional<double> price_per_million_input;   ///< USD per 1M input tokens (hosted APIs)
  std::optional<double> price_per_million_output;  ///< USD per 1M output tokens
  /// Client-side caps of a hosted API's quota, per engine and invocation: sends are spread so
  /// that no 60 s window holds more requests, or more tokens (prompt + max_tokens), than these.
  std::optional<double> requests_per_minute;
  std::optional<double> tokens_per_minute;
  std::optional<SimSettings> sim;              ///< set when protocol == "sim"
  std::optional<MetricsEndpoint> metrics;      ///< scrape the engine's /metrics around each run
  std::optional<TokenizerEndpoint> tokenizer;  ///< fit input lengths with the engine's tokenizer
  std::optional<Launch> launch;                ///< llmbench starts and stops the engine
  std::vector<std::string> labels;
};

/// A prompt class: input and output length distributions, in tokens.
struct PromptClass {
  std::string name;
  std::int64_t input_tokens = 0;
  std::int64_t input_stddev = 0;
  std::int64_t output_tokens = 0;
  std::int64_t output_stddev = 0;
  /// Leading tokens shared by every request of the class, on purpose (prefix-cache
  /// benchmarks); 0 = every request starts with its own unique preamble.
  std::int64_t shared_prefix_tokens = 0;
  /// Prompts from a file instead of synthesised ones (JSONL or a JSON array: `text`, `prompt`,
  /// chat `messages` or ShareGPT `conversations`); relative to the scenario's folder. Their
  /// lengths are the data's (input_tokens is then 0), kept within [min, max]_input_tokens.
  std::string dataset;
  std::string dataset_field;  ///< "" = the first of text, prompt, messages, conversations an entry has
  std::int64_t min_input_tokens = 0;
  std::int64_t max_input_tokens = 0;  ///< 0 = no upper bound
  /// Trace replay: a timestamped JSONL file (Mooncake's shape: timestamp, input_length,
  /// output_length), relative to the scenario's folder. Its case runs one open-loop level, the
  /// trace on its own schedule divided by trace_time_scale, each request of its entry's lengths.
  std::string trace;
  double trace_time_scale = 1;         ///< 2 = twice as fast
  std::string trace_time_unit = "ms";  ///< of the timestamps: "ms" (Mooncake) or "s"
  std::int64_t trace_requests = 0;     ///< the first N entries; 0 = all
  /// Multi-turn chats: each "request" of a level is a conversation of `turns` requests; turn k
  /// sends the history (every earlier user message and the answer the engine gave to it) and
  /// a new user message of the class's input length, `think_time` after turn k − 1's answer
  /// ended. Levels count conversations (concurrency: users in a conversation; rate: new
  /// conversations per second), the statistics count turns, and TTFT is also given per turn.
  std::int32_t turns = 1;
  Nanoseconds think_time{0};
  /// Sampling as a dimension (greedy vs top-k vs top-p …): sent with this class's requests;
  /// unset = the engine's default (temperature: [load] temperature).
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> top_k;
  std::optional<std::int64_t> sampling_seed;
  std::vector<std::string> engines;  ///< engines that run this class; empty = all
  std::vector<std::string> labels;
};

/// The search for the highest open-loop rate at which the [slo] holds ([load.slo_search]):
/// bisection in log space between min_rate and max_rate, one probe (an open-loop run of
/// `requests` arrivals) per step, until max / min of the bracket is within 1 + precision. Its
/// result, max_rate_under_slo (req/s), is gated like any metric: a capacity regression.
struct SloSearch {
  double min_rate = 0.5;  ///< req/s; a probe here that fails gives 0 ("below min_rate")
  double max_rate = 0;    ///< req/s; a probe here that holds gives max_rate ("at least")
  double precision = 0.05;
  double attainment = 0.95;   ///< share of a probe's requests that must meet every SLO
  std::int64_t requests = 0;  ///< arrivals per probe; 0 = load.requests

  /// The most probes a search takes: both ends, then halving the bracket's log-width until
  /// it is within 1 + precision.
  int MaxProbes() const {
    const double steps = std::log(max_rate / min_rate) / std::log1p(precision);
    return 2 + static_cast<int>(std::ceil(std::log2(std::max(1.0, steps))));
  }
};

/// A sweep ([load.sweep], GuideLLM's method): the engine's rate one request at a time (point
/// 0, a closed loop at concurrency 1), then the most it takes (point points + 1, a closed loop
/// at `concurrency`), then `points` open-loop levels at rates evenly between the two (points
/// 1 … points, at the [load] arrival process), measured in each attempt's first repetition and
/// kept for its others. Each point is a level: the latency-throughput curve, point by point.
struct Sweep {
  std::int32_t points = 8;       ///< open-loop points between the two ends
  std::int64_t concurrency = 0;  ///< the throughput point's requests in flight; 0 = load.requests, at most 1000
  /// The throughput point's concurrency as run: `concurrency`, else every measured request at
  /// once (GuideLLM's throughput profile), up to 1000.
  std::int64_t ThroughputConcurrency(std::int64_t requests) const {
    return concurrency > 0 ? concurrency : std::clamp<std::int64_t>(requests, 2, 1000);
  }
};

/// How hard and how long to load each engine.
struct Load {
  std::vector<std::int64_t> concurrency{1};  ///< closed-loop levels: requests in flight
  /// Open-loop levels, requests/s, run after the closed-loop ones: every send is due at a time
  /// computed before the clock starts (load/schedule.hpp), whatever the engine does with it.
  std::vector<double> rate;
  std::string arrival = "poisson";  ///< open loop: "constant" | "poisson" | "gamma"
  /// Gamma arrivals' shape: 1 = Poisson, < 1 burstier (vLLM's --burstiness), > 1 more regular.
  double burstiness = 1;
  /// Open loop: requests in flight at most; a send that falls due when it is reached is dropped
  /// (counted, and the level invalid): the rate is kept, not turned into a closed loop.
  std::int64_t max_concurrency = 1'000;
  /// Open loop: the measured window of each level; 0 = as long as `requests` arrivals take.
  Nanoseconds duration{0};
  /// Open loop: the rate rises linearly from 0 over this long at the start of each level.
  Nanoseconds ramp_up{0};
  /// Open loop: a level whose schedule lag (actual − intended send) p99 is above this is
  /// invalid: the client, not the engine, set the pace.
  Nanoseconds max_schedule_lag{std::chrono::milliseconds(10)};
  std::int64_t requests = 32;                          ///< measured requests per level (the seeds' "iterations")
  std::int64_t warmup = 2;                             ///< requests per level sent first and excluded from stats
  Nanoseconds timeout{std::chrono::seconds(60)};       ///< per request, whole stream
  Nanoseconds max_duration{std::chrono::minutes(10)};  ///< per level; stops issuing after it
  /// Closed loop: the first `concurrency` requests of a level's warm-up and of its measured
  /// phase start spread evenly over this long, not all at once (thousands of streams that start
  /// together also step together, and a client stamps the last of a burst late). 0 = at once.
  Nanoseconds stagger{0};
  std::uint64_t seed = 1;
  std::optional<double> temperature = 0.0;
  std::int64_t max_retries = 5;  ///< for HTTP 429
  /// Each level runs this many times per case, interleaved (level 1, level 2, …, level 1, …),
  /// so the gate measures this run's own run-to-run noise.
  std::int64_t repetitions = 3;
  /// What a failed request does: "count" (an error, and an SLO miss), "fail_fast" (the first
  /// failure stops the case: no quota spent on a broken engine) or "exclude" (left out of every
  /// statistic and the error rate, counted as excluded, for `exclude_reason`).
  std::string on_error = "count";
  std::string exclude_reason;
  std::optional<SloSearch> slo_search;
  std::optional<Sweep> sweep;
  /// Set per case for a trace class (scenario/expand.cpp): its one level replays the trace at
  /// this speed-up, instead of the scenario's levels. 0 = not a trace.
  double trace_time_scale = 0;

  /// Every level in run order: the closed-loop ones, the open-loop ones, then the sweep's
  /// (synchronous, throughput, then the rates between, which need the two ends' results).
  std::vector<Level> Levels() const {
    if (trace_time_scale > 0) return {Level::Trace(trace_time_scale)};
    std::vector<Level> out;
    for (const auto c : concurrency) out.push_back(Level::Closed(c));
    for (const auto r : rate) out.push_back(Level::Open(r));
    if (sweep) {
      out.push_back(Level::SweepPoint(0, 1));
      out.push_back(Level::SweepPoint(sweep->points + 1, sweep->ThroughputConcurrency(requests)));
      for (std::int32_t k = 1; k <= sweep->points; ++k) out.push_back(Level::SweepPoint(k, 0));
    }
    return out;
  }
};

/// How the baseline gate judges a case ([gate] table).
struct GateSettings {
  /// Re-measure a case once before failing it (a regression must hold twice) or before
  /// calling it inconclusive because the runner was busy.
  bool confirm = true;
  /// A run is "on a busy runner" when the harness's threads waited for a CPU (Linux schedstat
  /// run delay) longer than max_wait_per_slice on average before each timeslice, or when the
  /// hypervisor stole more than max_steal. Measured on a 2-core VM: idle 7–15 µs per slice, one
  /// core hogged 10–14 µs (harmless), both cores hogged 26–86 µs (TPOT +2–19 %). Busy runs
  /// cannot fail a case.
  Nanoseconds max_wait_per_slice{std::chrono::microseconds(20)};
  double max_steal = 0.05;
  /// With the engine's process on this host (pipeline/engine_process.hpp) the harness waits for
  /// a CPU because of the engine too, in the baseline as in the run; then a run is busy when the
  /// processes other than llmbench and the engine used more than this many cores.
  double max_neighbour_cores = 0.25;
};

/// Per-request service-level objectives: a request counts for goodput when it succeeded and
/// meets every one that is set.
struct Slo {
  std::optional<Nanoseconds> ttft;
  std::optional<Nanoseconds> tpot;
  std::optional<Nanoseconds> e2e;
  bool empty() const { return !ttft && !tpot && !e2e; }
};

/// Correctness checks ([checks]); each is also expressed as a threshold rule (ThresholdSpec::check).
struct Checks {
  bool output_length = false;  ///< exact output length == max_tokens
  bool crossover = false;      ///< each prompt asks for its own code back; no answer may carry another's
  std::string expect;          ///< RE2 pattern every answer must contain a match of; "" = none
  bool needs_text() const { return crossover || !expect.empty(); }
};

/// A threshold rule: as written, and parsed (grammar in threshold.hpp). Evaluated by gate/.
struct ThresholdSpec {
  std::string expression;  ///< e.g. "ttft.p95 < 500ms"
  ParsedThreshold parsed;
  std::vector<std::int64_t> concurrency;  ///< closed-loop levels it applies to
  std::vector<double> rate;               ///< open-loop levels it applies to
  std::vector<std::int32_t> sweep;        ///< sweep points it applies to; all three empty = every level
  bool AppliesTo(const Level& l) const {
    if (concurrency.empty() && rate.empty() && sweep.empty()) return true;
    for (const auto k : sweep)
      if (l.sweep() && l.point == k) return true;
    for (const auto c : concurrency)
      if (l.kind == Level::Kind::Closed && l.concurrency == c) return true;
    for (const auto r : rate)
      if (l.kind == Level::Kind::Open && l.rate == r) return true;
    return false;
  }
  int line = 0, column = 0;
  std::string check;  ///< "" = a rule the user wrote; else the [checks] entry it expresses ("output_length")
};

struct Scenario {
  std::string file;  ///< path it was loaded from
  std::string name;  ///< file stem unless `name` is set
  std::string description;
  std::vector<std::string> labels;
  std::vector<Engine> engines;       ///< in file order
  std::vector<PromptClass> classes;  ///< in file order
  Load load;
  Slo slo;
  GateSettings gate;
  std::vector<ThresholdSpec> thresholds;
  Checks checks;
};

}  // namespace llmbench::scenario
