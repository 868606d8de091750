#include "metrics/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>

#include "metrics/catalog.hpp"
#include "metrics/request_metrics.hpp"

namespace llmbench::metrics {
namespace {

constexpr double kOverloadTtftMs = 3000.0;

// Collects the samples of each per-request metric. NaN (not applicable) is skipped.
struct Samples {
  std::map<std::string_view, std::vector<double>> by_id;
  std::map<std::int32_t, std::vector<double>> ttft_by_turn;  ///< multi-turn classes: turn → TTFT samples
  void Add(std::string_view id, double v) {
    if (!std::isnan(v)) by_id[id].push_back(v);
  }
  void Add(const RequestMetrics& m) {
    Add("ttft", m.ttft);
    Add("tpot", m.tpot);
    Add("e2e", m.e2e);
    Add("output_tokens", m.output_tokens);
    Add("input_tokens", m.input_tokens);
    Add("input_length_error", m.input_length_error);
    Add("tokens_per_chunk", m.tokens_per_chunk);
    Add("request_output_speed", m.request_output_speed);
    Add("connect", m.connect);
    Add("cached_prompt_tokens", m.cached_prompt_tokens);
    Add("server_queue", m.server_queue);
    Add("server_prompt", m.server_prompt);
    Add("server_completion", m.server_completion);
    Add("server_total", m.server_total);
    Add("network_overhead", m.network_overhead);
    Add("network_overhead_pct", m.network_overhead_pct);
    auto& itl = by_id["itl"];
    itl.insert(itl.end(), m.itl.begin(), m.itl.end());
  }
};

// What the level cost, USD: the engine's hourly price over the level's duration, or its token
// prices over the tokens the measured requests used.
std::optional<double> LevelCostUsd(const Pricing& p, double duration_s, double input_tokens, double output_tokens) {
  if (p.cost_per_hour && duration_s > 0) return *p.cost_per_hour / 3600.0 * duration_s;
  if (p.price_per_million_input || p.price_per_million_output) {
    return input_tokens * p.price_per_million_input.value_or(0) / 1e6 +
           output_tokens * p.price_per_million_output.value_or(0) / 1e6;
  }
  return std::nullopt;
}

}  // namespace

const Stats* Summary::Find(std::string_view id) const {
  for (const auto& [name, stats] : distributions) {
    if (name == id) return &stats;
  }
  return nullptr;
}

namespace {

// Every objective that is set holds (limits in ms; NaN metric values fail an objective).
bool MeetsSlo(const RequestMetrics& m, const scenario::Slo& slo) {
  const auto within = [](double value_ms, const std::optional<Nanoseconds>& limit) {
    return !limit || (!std::isnan(value_ms) && value_ms <= static_cast<double>(limit->count()) / 1e6);
  };
  return within(m.ttft, slo.ttft) && within(m.tpot, slo.tpot) && within(m.e2e, slo.e2e);
}

}  // namespace

Summary Summarize(const load::LevelOutcome& outcome, const Pricing& pricing, const scenario::Slo& slo,
                  Nanoseconds max_lag, Nanoseconds window) {
  Summary s;
  s.load_level = outcome.load_level;
  s.cut_short = outcome.cut_short;
  for (const auto kind : load::kErrorKinds) s.errors[std::string(load::ToString(kind))] = 0;
  Samples samples;
  double input_tokens = 0, output_tokens = 0, good_tokens = 0;
  std::int64_t overloaded = 0, good = 0, length_known = 0, length_off = 0;
  std::int64_t code_checked = 0, code_off = 0, expect_checked = 0, expect_off = 0;
  std::int64_t excluded = 0, rate_capped = 0;
  double rate_wait_ms = 0;
  // Open loop: the sends' lag behind the schedule (every measured send, failed ones too), and
  // the span of the first attempts' sends for the achieved rate.
  std::vector<double> lag_ms;
  std::int64_t first_send = INT64_MAX, last_send = 0, arrivals = 0;
  for (const auto& r : outcome.records) {
    if (r.warmup) {
      ++s.warmup;
      continue;
    }
    if (r.rate_wait_ns > 0) {
      ++rate_capped;
      rate_wait_ms += static_cast<double>(r.rate_wait_ns) / 1e6;
    }
    if (r.excluded) {
      ++excluded;
      continue;
    }
    ++s.requests;
    if (r.intended_ns > 0) {
      lag_ms.push_back(static_cast<double>(r.scheduled_ns - r.intended_ns) / 1e6);
      // The achieved rate is the arrivals': a conversation's later turns follow its answers.
      if (r.turn <= 1) {
        ++arrivals;
        first_send = std::min(first_send, r.scheduled_ns);
        last_send = std::max(last_send, r.scheduled_ns);
      }
    }
    if (r.error != load::ErrorKind::None) {
      ++s.errors[std::string(load::ToString(r.error))];
      continue;
    }
    ++s.succeeded;
    const RequestMetrics m = Measure(r);
    samples.Add(m);
    if (r.turn > 0 && !std::isnan(m.ttft)) samples.ttft_by_turn[r.turn].push_back(m.ttft);
    s.output_tokens_counted |= m.output_tokens_counted;
    s.input_tokens_counted |= m.input_tokens_counted;
    input_tokens += m.input_tokens;
    output_tokens += m.output_tokens;
    if (!std::isnan(m.ttft) && m.ttft > kOverloadTtftMs) ++overloaded;
    // The exact output length: the server's usage, or TGI's one-token events; chunk counts are not.
    const std::int64_t exact = r.completion_tokens >= 0 ? r.completion_tokens
                               : r.token_events > 0     ? r.token_events
                                                        : -1;
    if (exact >= 0 && r.max_tokens > 0) {
      ++length_known;
      length_off += exact != r.max_tokens;
    }
    if (r.own_code >= 0) {
      ++code_checked;
      code_off += r.own_code == 0;
    }
    if (r.expect_matched >= 0) {
      ++expect_checked;
      expect_off += r.expect_matched == 0;
    }
    if (MeetsSlo(m, slo)) {
      ++good;
      good_tokens += m.output_tokens;
    }
  }
  const double duration_s = outcome.last_done_ns > outcome.first_start_ns
                                ? static_cast<double>(outcome.last_done_ns - outcome.first_start_ns) / 1e9
                                : 0.0;
  const auto per_s = [&](double v) { return duration_s > 0 ? v / duration_s : 0.0; };
  s.level["duration"] = duration_s;
  s.level["request_throughput"] = per_s(static_cast<double>(s.succeeded));
  s.level["output_throughput"] = per_s(output_tokens);
  s.level["total_throughput"] = per_s(input_tokens + output_tokens);
  s.level["error_rate"] =
      s.requests > 0 ? static_cast<double>(s.requests - s.succeeded) / static_cast<double>(s.requests) : 0.0;
  s.level["ttft_over_3s"] = s.succeeded > 0 ? static_cast<double>(overloaded) / static_cast<double>(s.succeeded) : 0.0;
  s.level["retries_429"] = static_cast<double>(outcome.retries_429);
  if (excluded > 0) s.level["excluded_requests"] = static_cast<double>(excluded);
  if (outcome.load_level.open()) {
    s.dropped = outcome.dropped;
    if (!outcome.load_level.trace()) s.level["offered_rate"] = outcome.load_level.rate;  // a trace's is its own
    if (arrivals >= 2 && last_send > first_send) {
      s.level["send_rate"] = static_cast<double>(arrivals - 1) / (static_cast<double>(last_send - first_send) / 1e9);
    }
    s.level["dropped_sends"] = static_cast<double>(outcome.dropped);
    if (window.count() > 0 && outcome.schedule_origin_ns > 0) {
      const std::int64_t end = outcome.schedule_origin_ns + window.count();
      s.level["drained_requests"] =
          static_cast<double>(std::count_if(outcome.records.begin(), outcome.records.end(),
                                            [&](const load::Record& r) { return !r.warmup && r.done_ns > end; }));
    }
    s.late_sends = std::count_if(lag_ms.begin(), lag_ms.end(),
                                 [&](double ms) { return ms > static_cast<double>(max_lag.count()) / 1e6; });
    samples.by_id["schedule_lag"] = std::move(lag_ms);
  }
  if (rate_capped > 0) {
    s.level["rate_capped_requests"] = static_cast<double>(rate_capped);
    s.level["rate_cap_wait"] = rate_wait_ms / static_cast<double>(rate_capped);
  }
  const auto share = [](std::int64_t off, std::int64_t checked) {
    return static_cast<double>(off) / static_cast<double>(checked);
  };
  if (length_known > 0) s.level["output_length_mismatch"] = share(length_off, length_known);
  if (code_checked > 0) s.level["crossover_mismatch"] = share(code_off, code_checked);
  if (expect_checked > 0) s.level["expect_mismatch"] = share(expect_off, expect_checked);
  if (!slo.empty()) {
    s.level["goodput"] = per_s(static_cast<double>(good));
    s.level["goodput_throughput"] = per_s(good_tokens);
    s.level["slo_attainment"] = s.requests > 0 ? static_cast<double>(good) / static_cast<double>(s.requests) : 0.0;
  }
  // The level's whole cost over each count (the seeds' "cost per 1K queries", "per 1M tokens").
  if (const auto usd = LevelCostUsd(pricing, duration_s, input_tokens, output_tokens)) {
    s.level["cost"] = *usd;
    if (s.succeeded > 0) s.level["cost_per_1k_requests"] = *usd / static_cast<double>(s.succeeded) * 1e3;
    if (input_tokens > 0) s.level["cost_per_million_input_tokens"] = *usd / input_tokens * 1e6;
    if (output_tokens > 0) s.level["cost_per_million_output_tokens"] = *usd / output_tokens * 1e6;
    if (input_tokens + output_tokens > 0)
      s.level["cost_per_million_tokens"] = *usd / (input_tokens + output_tokens) * 1e6;
  }
  for (const auto& info : Catalog()) {
    if (info.scope != Scope::PerRequest) continue;
    auto it = samples.by_id.find(info.id);
    if (it != samples.by_id.end() && !it->second.empty()) {
      s.distributions.emplace_back(std::string(info.id), Describe(std::move(it->second)));
    }
  }
  for (auto& [turn, ttft] : samples.ttft_by_turn)
    s.distributions.emplace_back(TurnTtftId(turn), Describe(std::move(ttft)));
  return s;
}

std::string JudgeOpenLoop(const Summary& s, Nanoseconds max_lag, std::int64_t max_concurrency) {
  if (!s.load_level.open()) return "";
  // The client first: a client that falls behind sends in bursts, fills every slot and drops
  // arrivals too, while an engine that does not keep up leaves the sends that do go on time.
  // More than 1 % of the sends late (p99 above the bound), and more than one: in a short level
  // p99 is the largest lag, and one hiccup of the machine is not a client that cannot keep up.
  const Stats* lag = s.Find("schedule_lag");
  const double bound_ms = static_cast<double>(max_lag.count()) / 1e6;
  if (lag != nullptr && s.late_sends > std::max<std::int64_t>(1, lag->count / 100)) {
    return fmt::format(
        "the client fell behind its schedule: {} of {} sends later than max_schedule_lag {:.3g} ms, lag p99 {:.3f} "
        "ms{} (the numbers measure llmbench's pace, not the engine's)",
        s.late_sends, lag->count, bound_ms, lag->p99,
        s.dropped > 0 ? fmt::format(", {} arrivals dropped", s.dropped) : "");
  }
  if (s.dropped > 0) {
    return fmt::format(
        "the engine did not keep up: {} of {} arrivals dropped, max_concurrency = {} requests were in flight",
        s.dropped, s.dropped + s.requests, max_concurrency);
  }
  return "";
}

}  // namespace llmbench::metrics
