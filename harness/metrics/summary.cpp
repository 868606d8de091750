#include "metrics/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>

#include "metrics/catalog.hpp"
#include "metrics/request_metrics.hpp"

namespace llmbench::metrics {
namespace {

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

Summary Summarize(const load::LevelOutcome& outcome, const LevelTally& t, const Pricing& pricing, Nanoseconds window) {
  Summary s;
  s.load_level = outcome.load_level;
  s.cut_short = outcome.cut_short;
  s.requests = t.requests;
  s.succeeded = t.succeeded;
  s.warmup = t.warmup;
  s.errors = t.errors;
  s.output_tokens_counted = t.output_tokens_counted;
  s.input_tokens_counted = t.input_tokens_counted;
  const double input_tokens = t.input_tokens, output_tokens = t.output_tokens;
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
  s.level["ttft_over_3s"] =
      s.succeeded > 0 ? static_cast<double>(t.overloaded) / static_cast<double>(s.succeeded) : 0.0;
  s.level["retries_429"] = static_cast<double>(outcome.retries_429);
  if (t.excluded > 0) s.level["excluded_requests"] = static_cast<double>(t.excluded);
  if (outcome.load_level.open()) {
    s.dropped = outcome.dropped;
    if (!outcome.load_level.trace()) s.level["offered_rate"] = outcome.load_level.rate;  // a trace's is its own
    if (t.arrivals >= 2 && t.last_send > t.first_send) {
      s.level["send_rate"] =
          static_cast<double>(t.arrivals - 1) / (static_cast<double>(t.last_send - t.first_send) / 1e9);
    }
    s.level["dropped_sends"] = static_cast<double>(outcome.dropped);
    if (window.count() > 0) s.level["drained_requests"] = static_cast<double>(outcome.drained);
    s.late_sends = t.late_sends;
  }
  if (t.rate_capped > 0) {
    s.level["rate_capped_requests"] = static_cast<double>(t.rate_capped);
    s.level["rate_cap_wait"] = t.rate_wait_ms / static_cast<double>(t.rate_capped);
  }
  const auto share = [](std::int64_t off, std::int64_t checked) {
    return static_cast<double>(off) / static_cast<double>(checked);
  };
  if (t.length_known > 0) s.level["output_length_mismatch"] = share(t.length_off, t.length_known);
  if (t.code_checked > 0) s.level["crossover_mismatch"] = share(t.code_off, t.code_checked);
  if (t.expect_checked > 0) s.level["expect_mismatch"] = share(t.expect_off, t.expect_checked);
  if (!t.slo().empty()) {
    s.level["goodput"] = per_s(static_cast<double>(t.good));
    s.level["goodput_throughput"] = per_s(t.good_tokens);
    s.level["slo_attainment"] = s.requests > 0 ? static_cast<double>(t.good) / static_cast<double>(s.requests) : 0.0;
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
    if (const SampleStore& store = t.Samples(info.id); store.count() > 0)
      s.distributions.emplace_back(std::string(info.id), store.Describe());
  }
  for (const auto& [turn, ttft] : t.ttft_by_turn()) s.distributions.emplace_back(TurnTtftId(turn), ttft.Describe());
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
