// Load on one curl-multi loop thread. Closed loop: N requests in flight. Open loop: each request
// sent at its intended time from a schedule computed before the clock starts (a send that falls
// due while max_concurrency requests are in flight is dropped and counted, never delayed into a
// closed loop). Warm-up requests run first (same level) and are flagged, 429s are retried with
// exponential back-off honouring Retry-After, and a level stops issuing at max_duration.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "load/rate_pacer.hpp"
#include "load/record.hpp"
#include "prompt/feed.hpp"
#include "prompt/synthesize.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::load {

/// Where and how to send: the resolved engine (URL with path, headers with the API key).
struct Target {
  std::string url;       ///< where requests go: base_url + the protocol's path
  std::string base_url;  ///< the engine's URL (identity and metrics endpoints hang off it)
  std::vector<std::string> headers;
  std::string protocol;  ///< protocol::MakeProtocol name
  std::string model;
  bool force_output_length = true;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> top_k;
  std::optional<std::int64_t> seed;  ///< the engine's sampling seed
  std::string extra_body_json;
  bool keep_text = false;  ///< keep each answer's text in its Record (correctness checks need it)
  /// Multi-turn classes: prompts come `turns` per conversation (conversation-major), each turn
  /// sent with the earlier ones as history, `think_time_ns` after the previous answer ended.
  std::int32_t turns = 1;
  std::int64_t think_time_ns = 0;
};

/// Live counters, written by the loop thread, read by a progress display.
struct Progress {
  std::atomic<std::int64_t> done{0};
  std::atomic<std::int64_t> errors{0};
  std::atomic<std::int64_t> retries{0};
  std::atomic<std::int64_t> total{0};
};

/// Several client hosts against one engine (`llmbench run --client K/N`): this process sends
/// its part of a level, the level's units (requests, or conversations) numbered in `units`;
/// records and request ids keep those numbers.
struct LevelShare {
  /// The level's unit number of each of this host's units, ascending (prompts and schedule
  /// hold these units only, in this order); empty = every unit, numbered as given.
  std::vector<std::int64_t> units;
  std::int32_t slots =
      0;  ///< requests in flight at most (closed loop: its concurrency; open: max_concurrency); 0 = the level's
  /// When the measured phase starts (NowNs; 0 = right after the warm-up). Open loop: the
  /// schedule's time 0 (its times are the level's, not this host's: unit u at its own time).
  std::int64_t anchor_ns = 0;
};

struct LevelOutcome {
  scenario::Level load_level;
  std::int64_t first_start_ns = 0;  ///< first measured request handed to the socket
  std::int64_t last_done_ns = 0;    ///< last measured request finished
  std::int64_t retries_429 = 0;
  std::int64_t dropped = 0;  ///< open loop: measured sends dropped because max_concurrency were in flight
  std::int64_t schedule_origin_ns =
      0;  ///< open loop: when the measured schedule's time 0 was (its intended sends count from it)
  std::int64_t anchor_ns = 0;  ///< LevelShare::anchor_ns: when the measured phase was to start (0 = no anchor)
  bool cut_short = false;      ///< max_duration (or on_error = "fail_fast") stopped it before every request ran
  std::string failed_fast;     ///< on_error = "fail_fast": the failure that stopped the level
  /// Open loop with [load] duration: measured requests that finished after the window (sent in it).
  std::int64_t drained = 0;
  /// The client's own cost of starting requests (every attempt, warm-up included): building the
  /// body and headers and handing the request to curl and the socket, on the loop thread.
  std::int64_t starts = 0;
  std::int64_t start_ns_total = 0;
  std::int64_t start_ns_max = 0;
  /// Of start_ns_total, curl's part: from the start stamp to the request sent (adding the
  /// transfer to curl, which writes it to the socket); the rest is llmbench's own.
  std::int64_t handover_ns_total = 0;
};

class LoadGenerator {
 public:
  /// `pacer`, when given, caps the send rate (shared by every generator of the engine).
  LoadGenerator(Target target, scenario::Load load, std::string run_id, std::shared_ptr<RatePacer> pacer = nullptr);

  /// Runs `warmup` then `requests` prompts (prompts.size() = warmup + requests; the feed drops
  /// each prompt once its request, every turn of it, has been sent) with
  /// `concurrency` in flight. A multi-turn target's units are conversations of target.turns
  /// prompts each (prompts.size() = (warmup + requests) × turns): a slot holds a conversation
  /// from its first turn to its last (or its first failure), through its think times. on_record runs on the loop thread
  /// as each request finishes, and is the only one to see the record: it may move from it, and must keep it
  /// cheap (count it, hand it to another thread); the level keeps no record. An empty buffer it leaves in
  /// r.chunk_ns (one a written record used) is reused for a later request's stamps. Blocks until the level is over.
  /// on_measuring, when set, runs on the calling thread between the warm-up and the first
  /// measured request (e.g. to scrape the engine's metrics): it is not part of any request's time.
  /// An open-loop level needs `schedule` (one intended send time per prompt, ns after the start
  /// of its phase: the warm-up's from 0, then the measured ones' from 0 again). With a `share`,
  /// prompts and schedule hold this host's units only (in order).
  LevelOutcome RunLevel(const scenario::Level& level, prompt::PromptFeed& prompts,
                        const std::function<void(Record&)>& on_record, Progress* progress,
                        const std::function<void()>& on_measuring = {}, const std::vector<std::int64_t>& schedule = {},
                        const LevelShare& share = {});
  /// The same over prompts made already (a copy of them is fed).
  LevelOutcome RunLevel(const scenario::Level& level, const std::vector<prompt::Prompt>& prompts,
                        const std::function<void(Record&)>& on_record, Progress* progress,
                        const std::function<void()>& on_measuring = {}, const std::vector<std::int64_t>& schedule = {},
                        const LevelShare& share = {});

 private:
  Target target_;
  scenario::Load load_;
  std::string run_id_;
  std::shared_ptr<RatePacer> pacer_;
};

/// Back-off before retry `attempt` (1-based) of a 429: Retry-After when the server sent one,
/// else 500 ms · 2^(attempt−1); both capped at 30 s.
std::int64_t BackoffNs(std::int32_t attempt, std::int64_t retry_after_ns);

}  // namespace llmbench::load
