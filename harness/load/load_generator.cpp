#include "load/load_generator.hpp"

#include <fmt/format.h>
#include <sys/prctl.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "base/clock.hpp"
#include "client/stream_client.hpp"
#include "protocol/body_template.hpp"
#include "protocol/protocol.hpp"

namespace llmbench::load {
namespace {

constexpr std::int64_t kMaxBackoffNs = 30'000'000'000;
constexpr std::int64_t kIdleWaitNs = 100'000'000;  // Poll wakes on socket activity anyway
// Requests started before the loop reads the sockets again. A burst (a level's streams started
// together, an open loop's arrivals due at once) is started in passes of this many, each
// followed by a pass over the ready sockets. Started in one go, 10,000 streams had the first
// ones' bytes read 5.5 s after they arrived (2026-12-07). 32 starts take 1–3 ms up to 1,024
// streams, ~17 ms at 10,000 (libcurl's cost per start grows with its connections).
constexpr int kStartsPerPass = 32;

struct Slot {
  client::Exchange exchange;
  std::string body;
  std::int64_t index = -1;
  std::int32_t retries = 0;
  std::int64_t scheduled_ns = 0;
  std::int64_t intended_ns = 0;  ///< open loop: its schedule's send time
  std::int64_t retry_due_ns = 0;
  std::int64_t rate_wait_ns = 0;
  std::string text;  ///< the answer's text, when Target::keep_text or a conversation needs it
  // Multi-turn: `index` is the conversation, `turn` (0-based) the request of it in flight or
  // due next, `history` its earlier turns, `context_tokens` theirs (user targets + answers).
  std::int32_t turn = 0;
  std::int64_t think_due_ns = 0;
  bool held_by_cap = false;  ///< its next turn waited for the engine's rate cap
  std::int64_t context_tokens = 0;
  std::vector<protocol::ChatTurn> history;
  bool busy = false;  ///< holds a unit (in flight, retrying or thinking), not in free_
};

// What went wrong, most fundamental first: no connection, timeout, status, broken stream,
// undecodable events, no end, no output. A stream ends properly with the protocol's marker
// ([DONE], TGI's final event) or, as the OpenAI SDK accepts, with a clean close after a chunk
// that gave a finish reason; an event flushed at the close without its blank line counts.
void Classify(const client::Exchange& x, Record& r) {
  using client::Transport;
  if (x.transport == Transport::Connect) {
    r.error = ErrorKind::Connect;
    r.error_message = x.transport_error;
  } else if (x.transport == Transport::Timeout) {
    r.error = ErrorKind::Timeout;
    r.error_message = x.transport_error;
  } else if (x.http_status < 200 || x.http_status >= 300) {
    r.error = ErrorKind::HttpStatus;
    r.error_message = fmt::format("HTTP {}: {}", x.http_status, x.error_body.substr(0, 200));
  } else if (x.transport == Transport::Broken) {
    r.error = ErrorKind::Stream;
    r.error_message = "connection broken mid-stream: " + x.transport_error;
  } else if (!x.tally.error.empty()) {
    r.error = ErrorKind::Stream;
    r.error_message = "error event in stream: " + x.tally.error.substr(0, 200);
  } else if (x.tally.malformed_events > 0) {
    r.error = ErrorKind::Decode;
    r.error_message = fmt::format("{} undecodable event(s) in stream", x.tally.malformed_events);
  } else if (!x.tally.done && x.tally.finish_reason.empty()) {
    r.error = ErrorKind::Stream;
    r.error_message = "stream ended without its end-of-stream marker or a finish reason";
  } else if (x.tally.text_chunks == 0) {
    r.error = ErrorKind::NoOutput;
    r.error_message = "the stream carried no output token";
  }
}

Record MakeRecord(Slot& s, const prompt::Prompt& p, const scenario::Level& level, bool warmup, bool keep_text) {
  client::Exchange& x = s.exchange;
  Record r;
  r.index = s.index;
  r.warmup = warmup;
  r.load_level = level;
  r.scheduled_ns = s.scheduled_ns;
  r.intended_ns = s.intended_ns;
  r.start_ns = x.start_ns;
  r.first_byte_ns = x.first_byte_ns;
  r.done_ns = x.done_ns;
  r.chunk_ns = std::move(x.chunk_ns);
  r.target_input_tokens = p.input_tokens;
  r.max_tokens = p.max_tokens;
  r.prompt_tokens = x.tally.prompt_tokens;
  r.completion_tokens = x.tally.completion_tokens;
  r.cached_prompt_tokens = x.tally.cached_prompt_tokens;
  r.evaluated_prompt_tokens = x.tally.evaluated_prompt_tokens;
  r.token_events = x.tally.token_events;
  r.text_bytes = x.tally.text_bytes;
  r.server = x.tally.timings;
  r.connect_ns = x.connect_ns;
  r.http_status = x.http_status;
  r.retries_429 = s.retries;
  r.rate_wait_ns = s.rate_wait_ns;
  r.streamed = x.decoder == nullptr || x.decoder->streams();
  r.finish_reason = x.tally.finish_reason;
  if (x.tally.text != nullptr && keep_text) r.output_text = std::move(s.text);
  Classify(x, r);
  return r;
}

}  // namespace

std::int64_t BackoffNs(std::int32_t attempt, std::int64_t retry_after_ns) {
  if (retry_after_ns >= 0) return std::min(retry_after_ns, kMaxBackoffNs);
  const int shift = std::clamp(attempt - 1, 0, 16);
  return std::min<std::int64_t>(500'000'000LL << shift, kMaxBackoffNs);
}

LoadGenerator::LoadGenerator(Target target, scenario::Load load, std::string run_id, std::shared_ptr<RatePacer> pacer)
    : target_(std::move(target)), load_(std::move(load)), run_id_(std::move(run_id)), pacer_(std::move(pacer)) {}

namespace {

// A target's request with all but what each request sets (its prompt, history and budget).
protocol::GenerationRequest RequestLike(const Target& t) {
  protocol::GenerationRequest r;
  r.model = t.model;
  r.force_length = t.force_output_length;
  r.temperature = t.temperature;
  r.top_p = t.top_p;
  r.top_k = t.top_k;
  r.seed = t.seed;
  r.extra_body_json = t.extra_body_json;
  return r;
}

// The kernel may delay a timed wake-up by the thread's timer slack (50 µs by default): an
// open-loop send would be that late. 1 ns while an open-loop level runs, then as it was, even
// when the level throws.
class TightTimers {
 public:
  explicit TightTimers(bool on) : slack_(on ? prctl(PR_GET_TIMERSLACK) : -1) {
    if (slack_ > 0) prctl(PR_SET_TIMERSLACK, 1UL);
  }
  ~TightTimers() {
    if (slack_ > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(slack_));
  }
  TightTimers(const TightTimers&) = delete;
  TightTimers& operator=(const TightTimers&) = delete;

 private:
  int slack_;
};

// One level's run: the slots (one per request in flight), the retry list and the phase bounds.
// Lives on the loop thread; the client's completion callback feeds OnDone.
class LevelRun {
 public:
  LevelRun(const Target& target, const scenario::Load& load, const std::string& run_id, const scenario::Level& level,
           prompt::PromptFeed& prompts, const std::function<void(Record&)>& on_record, Progress* progress,
           const std::function<void()>& on_measuring, RatePacer* pacer, const std::vector<std::int64_t>& schedule,
           const LevelShare& share)
      : target_(target),
        load_(load),
        run_id_(run_id),
        prompts_(prompts),
        schedule_(schedule),
        on_record_(on_record),
        on_measuring_(on_measuring),
        progress_(progress),
        pacer_(pacer != nullptr && pacer->active() ? pacer : nullptr),
        decoder_(protocol::MakeProtocol(target.protocol)),
        body_(protocol::BodyTemplate::Make(*decoder_, RequestLike(target))),
        share_(share),
        slots_(static_cast<std::size_t>(share.slots > 0 ? share.slots
                                        : level.open()  ? load.max_concurrency
                                                        : level.concurrency)),
        turns_(std::max(1, target.turns)),
        client_([this](client::Exchange& x) { OnDone(x); }) {
    if (prompts_.size() % turns_ != 0) throw std::logic_error("a multi-turn level needs every conversation's prompts");
    if (!share_.units.empty() && static_cast<std::int64_t>(share_.units.size()) * turns_ != prompts_.size())
      throw std::logic_error("a share needs one unit number per unit of its prompts");
    out_.load_level = level;
    id_tag_ = scenario::IdTag(level);
    for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
      it->exchange.context = &*it;
      free_.push_back(&*it);
    }
  }

  LevelOutcome Run() {
    const auto total = prompts_.size() / turns_;  // requests, or conversations
    // Warm-up: the level's first `warmup` units (with a share, those that are this host's).
    const std::int64_t warmup =
        share_.units.empty()
            ? std::min(load_.warmup, total)
            : std::lower_bound(share_.units.begin(), share_.units.end(), load_.warmup) - share_.units.begin();
    const bool open = out_.load_level.open();
    if (open && static_cast<std::int64_t>(schedule_.size()) != total)
      throw std::logic_error("an open-loop level needs one intended send time per prompt");
    const TightTimers timers(open);
    open ? RunOpenPhase(warmup) : RunPhase(warmup);  // warm-up completes before measuring starts
    // Several hosts: the measured phase starts at the agreed instant on every one of them (and
    // the engine's metrics are read from then).
    if (share_.anchor_ns > NowNs())
      std::this_thread::sleep_until(SteadyClock::time_point(Nanoseconds(share_.anchor_ns)));
    if (on_measuring_) on_measuring_();
    measuring_ = true;
    out_.anchor_ns = share_.anchor_ns;
    // Open loop: the measured schedule starts at its own first arrival, whatever the warm-up
    // did not send (max_duration); those warm-up prompts are not sent as measured ones.
    if (open) next_ = std::max(next_, warmup);
    open ? RunOpenPhase(total) : RunPhase(total);
    out_.cut_short = next_ < total;
    return std::move(out_);
  }

 private:
  // Issues prompts [next_, end) with at most `concurrency` in flight; returns when all are done
  // or max_duration has passed and the in-flight ones finished.
  void RunPhase(std::int64_t end) {
    const std::int64_t start = NowNs();
    const std::int64_t stop_issuing_ns = start + load_.max_duration.count();
    // Staggered start: the phase's first slots_.size() units go stagger / slots apart.
    const std::int64_t first = next_, slots = static_cast<std::int64_t>(slots_.size());
    const std::int64_t stagger = load_.stagger.count();
    const auto due = [&](std::int64_t unit) {
      return stagger > 0 && unit - first < slots ? start + (unit - first) * stagger / slots : start;
    };
    for (;;) {
      std::int64_t now = NowNs();
      stopped_ = aborted_ || now >= stop_issuing_ns;
      pace_due_ns_ = 0;
      RelaunchDueRetries(now);
      LaunchDueTurns(now);
      // The engine's rate cap: the next prompt waits for its turn (a slot is free: the wait is
      // the cap's, and recorded as such).
      for (int started = 0; started < kStartsPerPass && !free_.empty() && next_ < end && !stopped_ &&
                            due(next_) <= now && !HeldByCap(now);
           ++started) {
        LaunchNext(now, 0);
        if (stagger > 0) now = NowNs();
      }
      if ((next_ >= end || stopped_) && Idle()) return;
      std::int64_t wait = kIdleWaitNs;
      if (!free_.empty() && next_ < end && !stopped_)
        wait = std::min(wait, std::max<std::int64_t>(0, due(next_) - now));
      client_.Poll(Nanoseconds(WaitNs(now, wait)));
    }
  }

  // Nothing in flight, due for a retry, or thinking before its next turn.
  bool Idle() const { return client_.in_flight() == 0 && retrying_.empty() && thinking_.empty(); }

  // How long the loop may sleep from `now`: until the earliest retry, turn or rate-cap release.
  std::int64_t WaitNs(std::int64_t now, std::int64_t wait) const {
    for (const Slot* s : retrying_) wait = std::min(wait, std::max<std::int64_t>(0, s->retry_due_ns - now));
    for (const Slot* s : thinking_) wait = std::min(wait, std::max<std::int64_t>(0, s->think_due_ns - now));
    if (pace_due_ns_ > 0) wait = std::min(wait, std::max<std::int64_t>(0, pace_due_ns_ - now));
    return wait;
  }

  // Open loop: sends prompts [next_, end) at their intended times (schedule_, relative to this
  // phase's start). A send due while every slot is in flight is dropped (counted); one held by
  // the engine's rate cap goes when the cap allows, its lag recorded.
  void RunOpenPhase(std::int64_t end) {
    // Several hosts: the measured schedule's time 0 is the agreed instant (this host's first
    // arrival is due at its own time in the level's schedule, not at once).
    const bool anchored = measuring_ && share_.anchor_ns > 0;
    const std::int64_t t0 = anchored ? share_.anchor_ns : NowNs();
    const std::int64_t stop_issuing_ns = t0 + load_.max_duration.count();
    const std::int64_t origin = anchored ? 0 : next_ < end ? schedule_[static_cast<std::size_t>(next_)] : 0;
    if (measuring_) out_.schedule_origin_ns = t0;
    const auto due = [&](std::int64_t i) { return t0 + schedule_[static_cast<std::size_t>(i)] - origin; };
    for (;;) {
      std::int64_t now = NowNs();
      stopped_ = aborted_ || now >= stop_issuing_ns;
      pace_due_ns_ = 0;
      RelaunchDueRetries(now);
      LaunchDueTurns(now);
      for (int started = 0;
           started < kStartsPerPass && next_ < end && !stopped_ && due(next_) <= now && !HeldByCap(now);) {
        if (free_.empty()) {  // max_concurrency in flight: the arrival is lost, not queued
          if (measuring_) ++out_.dropped;
          if (progress_) progress_->done += turns_;
          ++next_;
          continue;
        }
        LaunchNext(now, due(next_));
        ++started;
        now = NowNs();
      }
      if ((next_ >= end || stopped_) && Idle()) return;
      std::int64_t wait = kIdleWaitNs;
      // Held by the rate cap, the next arrival is already due: wait for the cap, not for it.
      if (next_ < end && !stopped_ && pace_due_ns_ == 0)
        wait = std::min(wait, std::max<std::int64_t>(0, due(next_) - now));
      client_.Poll(Nanoseconds(WaitNs(now, wait)));
    }
  }

  // Whether the engine's rate cap holds the next prompt back at `now` (then pace_due_ns_ says
  // until when, and held_since_ns_ since when).
  bool HeldByCap(std::int64_t now) {
    if (pacer_ == nullptr) return false;
    const std::int64_t at = pacer_->EarliestNs(now, Cost(prompts_.At(next_ * turns_)));
    if (at <= now) return false;
    if (held_since_ns_ == 0) held_since_ns_ = now;
    pace_due_ns_ = at;
    return true;
  }

  // Sends the next prompt on a free slot; `intended_ns`: its schedule's time (open loop), else 0.
  void LaunchNext(std::int64_t now, std::int64_t intended_ns) {
    Slot& s = *free_.back();
    free_.pop_back();
    s.busy = true;
    s.index = next_++;
    ReleasePrompts();
    s.turn = 0;
    s.context_tokens = 0;
    s.history.clear();
    s.retries = 0;
    s.scheduled_ns = 0;
    s.intended_ns = intended_ns;
    s.rate_wait_ns = held_since_ns_ > 0 ? now - held_since_ns_ : 0;
    held_since_ns_ = 0;
    Launch(s);
  }

  static std::int64_t Cost(const prompt::Prompt& p) { return p.input_tokens + p.max_tokens; }
  // What a slot's request costs the rate cap: a later turn sends its history too.
  std::int64_t Cost(const Slot& s) { return s.context_tokens + Cost(PromptOf(s)); }

  const prompt::Prompt& PromptOf(const Slot& s) { return prompts_.At(s.index * turns_ + s.turn); }

  // Every kBlock units sent or dropped: drops the prompts below the lowest one a unit still
  // needs (the next unit's, or a busy slot's current turn), so a run holds prompts for what is in
  // flight only.
  void ReleasePrompts() {
    if (next_ < released_at_ + prompt::PromptFeed::kBlock) return;
    released_at_ = next_;
    std::int64_t low = next_ * turns_;
    for (const Slot& s : slots_) {
      if (s.busy) low = std::min(low, s.index * turns_ + s.turn);
    }
    prompts_.ReleaseBelow(low);
  }

  // A slot's unit (request or conversation) as the level numbers it (several hosts: this host's
  // j-th unit is the level's units[j]).
  std::int64_t LevelUnit(const Slot& s) const {
    return share_.units.empty() ? s.index : share_.units[static_cast<std::size_t>(s.index)];
  }

  // Appends the request's id (sent as X-Request-Id) to `out`.
  void AppendRequestId(const Slot& s, std::string& out) const {
    const auto it = std::back_inserter(out);
    if (turns_ > 1) {
      fmt::format_to(it, "{}-{}-{}-t{}", run_id_, id_tag_, LevelUnit(s), s.turn + 1);
    } else {
      fmt::format_to(it, "{}-{}-{}", run_id_, id_tag_, LevelUnit(s));
    }
  }

  // A conversation's next turn, once its think time is over (and the rate cap lets it go). In
  // an open loop it was due then: its latency counts from then, its lag is the client's.
  void LaunchDueTurns(std::int64_t now) {
    for (std::size_t i = 0; i < thinking_.size();) {
      Slot* s = thinking_[i];
      if (stopped_) {  // max_duration or fail_fast: no turn is sent any more; the conversation ends
        thinking_.erase(thinking_.begin() + static_cast<std::ptrdiff_t>(i));
        if (progress_) progress_->done += turns_ - s->turn;
        s->busy = false;
        free_.push_back(s);
        continue;
      }
      if (s->think_due_ns > now) {
        ++i;
        continue;
      }
      if (CapHolds(now, *s)) {
        s->held_by_cap = true;
        ++i;
        continue;
      }
      thinking_.erase(thinking_.begin() + static_cast<std::ptrdiff_t>(i));
      s->retries = 0;
      s->scheduled_ns = 0;
      s->intended_ns = out_.load_level.open() ? s->think_due_ns : 0;
      s->rate_wait_ns = s->held_by_cap ? std::max<std::int64_t>(0, now - s->think_due_ns) : 0;
      s->held_by_cap = false;
      Launch(*s);
    }
  }

  // Whether the engine's rate cap holds a slot's due request (a retry, a conversation's next
  // turn) back at `now`; then pace_due_ns_ says when the loop must look again.
  bool CapHolds(std::int64_t now, const Slot& s) {
    const std::int64_t paced = pacer_ != nullptr ? pacer_->EarliestNs(now, Cost(s)) : now;
    if (paced <= now) return false;
    pace_due_ns_ = pace_due_ns_ == 0 ? paced : std::min(pace_due_ns_, paced);
    return true;
  }

  void RelaunchDueRetries(std::int64_t now) {
    for (std::size_t i = 0; i < retrying_.size();) {
      if (retrying_[i]->retry_due_ns > now) {
        ++i;
        continue;
      }
      // Due: a retry is a request too, and waits for the engine's rate cap.
      if (CapHolds(now, *retrying_[i])) {
        ++i;
      } else {
        Slot* s = retrying_[i];
        retrying_.erase(retrying_.begin() + static_cast<std::ptrdiff_t>(i));
        Launch(*s);
      }
    }
  }

  void Launch(Slot& s) {
    const std::int64_t begin_ns = NowNs();
    const prompt::Prompt& p = PromptOf(s);
    client::Exchange& x = s.exchange;
    x.ResetResponse();
    x.chunk_ns.reserve(static_cast<std::size_t>(p.max_tokens) + 4);  // no reallocation while streaming
    if (target_.keep_text || turns_ > 1) {                           // a conversation sends its answers back
      s.text.clear();
      x.tally.text = &s.text;
    }
    if (s.retries == 0) {
      if (body_ != nullptr && s.history.empty()) {
        body_->Fill(p.text, p.max_tokens, s.body);  // the usual request: no JSON built
      } else {
        protocol::GenerationRequest request = RequestLike(target_);
        request.prompt = p.text;
        request.history = std::move(s.history);  // lent, not copied
        request.max_tokens = p.max_tokens;
        s.body = decoder_->BuildRequest(request).body;
        s.history = std::move(request.history);
      }
    }
    x.url = target_.url;
    x.body = &s.body;
    x.decoder = decoder_.get();
    x.timeout_ns = load_.timeout.count();
    // The target's headers, then X-Request-Id, rewritten in place (no allocation once the
    // strings have grown to their size).
    if (x.headers.size() != target_.headers.size() + 1) {
      x.headers = target_.headers;
      x.headers.emplace_back();
    }
    std::string& id_header = x.headers.back();
    id_header.assign(kIdHeader);
    AppendRequestId(s, id_header);
    client_.Start(x);
    const std::int64_t end_ns = NowNs();
    ++out_.starts;
    out_.start_ns_total += end_ns - begin_ns;
    out_.start_ns_max = std::max(out_.start_ns_max, end_ns - begin_ns);
    out_.handover_ns_total += end_ns - x.start_ns;
    if (pacer_ != nullptr) pacer_->Take(x.start_ns, Cost(s));
    if (s.scheduled_ns == 0) s.scheduled_ns = x.start_ns;
    if (measuring_ && out_.first_start_ns == 0) out_.first_start_ns = x.start_ns;
  }

  void OnDone(client::Exchange& x) {
    Slot& s = *static_cast<Slot*>(x.context);
    if (x.http_status == 429 && s.retries < load_.max_retries && !stopped_) {
      ++s.retries;
      ++out_.retries_429;
      if (progress_) ++progress_->retries;
      s.retry_due_ns = x.done_ns + BackoffNs(s.retries, x.retry_after_ns);
      retrying_.push_back(&s);
      return;
    }
    const prompt::Prompt& p = PromptOf(s);
    const bool conversation = turns_ > 1;
    std::string answer;
    if (conversation && !target_.keep_text) answer = std::move(s.text);  // for the history, not the record
    Record r = MakeRecord(s, p, out_.load_level, !measuring_, target_.keep_text);
    r.request_id.assign(std::string_view(s.exchange.headers.back()).substr(kIdHeader.size()));
    r.index = LevelUnit(s);
    if (conversation) {
      r.index = LevelUnit(s) * turns_ + s.turn;
      r.turn = s.turn + 1;
      r.target_input_tokens = s.context_tokens + p.input_tokens;
      if (target_.keep_text) answer = r.output_text;
    }
    if (r.error != ErrorKind::None) {
      if (load_.on_error == "exclude") {
        r.excluded = true;
      } else if (load_.on_error == "fail_fast" && !aborted_) {
        aborted_ = true;  // in-flight requests finish; nothing new is sent
        out_.failed_fast = fmt::format("request {} ({}) failed: {}", r.request_id, ToString(r.error), r.error_message);
      }
    }
    if (measuring_) {
      out_.last_done_ns = std::max(out_.last_done_ns, r.done_ns);
      // Open loop over a window: sent in it, still streaming at its end.
      const std::int64_t window = load_.duration.count();
      if (window > 0 && !r.warmup && out_.schedule_origin_ns > 0 && r.done_ns > out_.schedule_origin_ns + window)
        ++out_.drained;
    }
    if (progress_) {
      ++progress_->done;
      if (r.error != ErrorKind::None) ++progress_->errors;
    }
    // A conversation goes on with its next turn after the think time, unless this turn failed
    // or was the last, or the level stops issuing.
    const bool goes_on = conversation && r.error == ErrorKind::None && s.turn + 1 < turns_ && !stopped_ && !aborted_;
    if (conversation && !goes_on && progress_) progress_->done += turns_ - 1 - s.turn;  // turns never sent
    if (goes_on) {
      s.context_tokens += p.input_tokens + (r.completion_tokens >= 0 ? r.completion_tokens : r.token_events);
      s.history.push_back({p.text, std::move(answer)});
      ++s.turn;
      s.think_due_ns = r.done_ns + target_.think_time_ns;
      thinking_.push_back(&s);
    }
    on_record_(r);
    // A spare stamp buffer handed back (the records writer recycles them): the next request's.
    if (r.chunk_ns.capacity() > s.exchange.chunk_ns.capacity()) s.exchange.chunk_ns = std::move(r.chunk_ns);
    if (!goes_on) {
      s.busy = false;
      free_.push_back(&s);
    }
  }

  static constexpr std::string_view kIdHeader = "X-Request-Id: ";

  const Target& target_;
  const scenario::Load& load_;
  const std::string& run_id_;
  prompt::PromptFeed& prompts_;
  std::int64_t released_at_ = 0;               ///< next_ when prompts were last released
  const std::vector<std::int64_t>& schedule_;  ///< open loop: intended send times per prompt
  const std::function<void(Record&)>& on_record_;
  const std::function<void()>& on_measuring_;
  Progress* progress_;
  RatePacer* pacer_ = nullptr;  ///< the engine's rate cap; null without one
  std::unique_ptr<protocol::Protocol> decoder_;
  std::unique_ptr<protocol::BodyTemplate> body_;  ///< null: every body from BuildRequest
  const LevelShare share_;
  std::vector<Slot> slots_;  // never resized: exchanges must not move while in flight
  std::vector<Slot*> free_;
  std::vector<Slot*> retrying_;
  std::vector<Slot*> thinking_;  ///< conversations between turns
  std::int32_t turns_ = 1;       ///< prompts per conversation (1: every prompt its own request)
  client::StreamClient client_;
  LevelOutcome out_;
  std::string id_tag_;  ///< the level, as request ids name it
  std::int64_t next_ = 0;
  bool measuring_ = false;
  bool stopped_ = false;
  bool aborted_ = false;            ///< on_error = "fail_fast" saw a failure
  std::int64_t held_since_ns_ = 0;  ///< the next prompt waits for the cap since then (0 = not waiting)
  std::int64_t pace_due_ns_ = 0;    ///< when the cap lets the next send go (0 = not waiting)
};

}  // namespace

LevelOutcome LoadGenerator::RunLevel(const scenario::Level& level, const std::vector<prompt::Prompt>& prompts,
                                     const std::function<void(Record&)>& on_record, Progress* progress,
                                     const std::function<void()>& on_measuring,
                                     const std::vector<std::int64_t>& schedule, const LevelShare& share) {
  prompt::PromptFeed feed(prompts);
  return RunLevel(level, feed, on_record, progress, on_measuring, schedule, share);
}

LevelOutcome LoadGenerator::RunLevel(const scenario::Level& level, prompt::PromptFeed& prompts,
                                     const std::function<void(Record&)>& on_record, Progress* progress,
                                     const std::function<void()>& on_measuring,
                                     const std::vector<std::int64_t>& schedule, const LevelShare& share) {
  return LevelRun(target_, load_, run_id_, level, prompts, on_record, progress, on_measuring, pacer_.get(), schedule,
                  share)
      .Run();
}

}  // namespace llmbench::load
