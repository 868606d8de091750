#include "metrics/tally.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "metrics/request_metrics.hpp"

namespace llmbench::metrics {
namespace {

constexpr double kOverloadTtftMs = 3000.0;

// Every objective that is set holds (limits in ms; NaN metric values fail an objective).
bool MeetsSlo(const RequestMetrics& m, const scenario::Slo& slo) {
  const auto within = [](double value_ms, const std::optional<Nanoseconds>& limit) {
    return !limit || (!std::isnan(value_ms) && value_ms <= static_cast<double>(limit->count()) / 1e6);
  };
  return within(m.ttft, slo.ttft) && within(m.tpot, slo.tpot) && within(m.e2e, slo.e2e);
}

}  // namespace

LevelTally::LevelTally(const scenario::Slo& slo, Nanoseconds max_lag) : slo_(slo), max_lag_(max_lag) {
  for (const auto kind : load::kErrorKinds) errors[std::string(load::ToString(kind))] = 0;
}

SampleStore& LevelTally::Store(std::string_view id) {
  auto it = samples_.find(id);
  if (it == samples_.end()) it = samples_.emplace(std::string(id), SampleStore{}).first;
  return it->second;
}

void LevelTally::Add(std::string_view id, double v) {
  if (!std::isnan(v)) Store(id).Add(v);
}

const SampleStore& LevelTally::Samples(std::string_view id) const {
  static const SampleStore kNone;
  const auto it = samples_.find(id);
  return it == samples_.end() ? kNone : it->second;
}

void LevelTally::Add(const load::Record& r) {
  if (r.warmup) {
    ++warmup;
    return;
  }
  if (r.error != load::ErrorKind::None && first_error_.empty()) {
    first_error_ = fmt::format("{}: {}", load::ToString(r.error), r.error_message);
  }
  output_tokens_received += static_cast<double>(r.completion_tokens >= 0 ? r.completion_tokens
                                                : r.token_events > 0     ? r.token_events
                                                                     : static_cast<std::int64_t>(r.chunk_ns.size()));
  if (r.rate_wait_ns > 0) {
    ++rate_capped;
    rate_wait_ms += static_cast<double>(r.rate_wait_ns) / 1e6;
  }
  if (r.excluded) {
    ++excluded;
    return;
  }
  ++requests;
  if (r.intended_ns > 0) {
    const double lag_ms = static_cast<double>(r.scheduled_ns - r.intended_ns) / 1e6;
    Add("schedule_lag", lag_ms);
    late_sends += lag_ms > static_cast<double>(max_lag_.count()) / 1e6;
    // The achieved rate is the arrivals': a conversation's later turns follow its answers.
    if (r.turn <= 1) {
      ++arrivals;
      first_send = std::min(first_send, r.scheduled_ns);
      last_send = std::max(last_send, r.scheduled_ns);
    }
  }
  if (r.error != load::ErrorKind::None) {
    ++errors[std::string(load::ToString(r.error))];
    return;
  }
  ++succeeded;
  const RequestMetrics m = Measure(r);
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
  if (!m.itl.empty()) {  // one lookup per request, not per token: this runs on the load loop
    SampleStore& itl = Store("itl");
    for (const double gap : m.itl) itl.Add(gap);
  }
  if (r.turn > 0 && !std::isnan(m.ttft)) ttft_by_turn_[r.turn].Add(m.ttft);
  output_tokens_counted |= m.output_tokens_counted;
  input_tokens_counted |= m.input_tokens_counted;
  input_tokens += m.input_tokens;
  output_tokens += m.output_tokens;
  if (!std::isnan(m.ttft) && m.ttft > kOverloadTtftMs) ++overloaded;
  // The exact output length: the server's usage, or TGI's one-token events; chunk counts are not.
  const std::int64_t exact = r.completion_tokens >= 0 ? r.completion_tokens : r.token_events > 0 ? r.token_events : -1;
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
  if (MeetsSlo(m, slo_)) {
    ++good;
    good_tokens += m.output_tokens;
  }
}

void LevelTally::Merge(const LevelTally& o) {
  warmup += o.warmup;
  requests += o.requests;
  succeeded += o.succeeded;
  excluded += o.excluded;
  for (const auto& [kind, n] : o.errors) errors[kind] += n;
  rate_capped += o.rate_capped;
  rate_wait_ms += o.rate_wait_ms;
  input_tokens += o.input_tokens;
  output_tokens += o.output_tokens;
  good_tokens += o.good_tokens;
  output_tokens_received += o.output_tokens_received;
  overloaded += o.overloaded;
  good += o.good;
  length_known += o.length_known;
  length_off += o.length_off;
  code_checked += o.code_checked;
  code_off += o.code_off;
  expect_checked += o.expect_checked;
  expect_off += o.expect_off;
  output_tokens_counted |= o.output_tokens_counted;
  input_tokens_counted |= o.input_tokens_counted;
  late_sends += o.late_sends;
  arrivals += o.arrivals;
  first_send = std::min(first_send, o.first_send);
  last_send = std::max(last_send, o.last_send);
  for (const auto& [id, store] : o.samples_) Store(id).Merge(store);
  for (const auto& [turn, store] : o.ttft_by_turn_) ttft_by_turn_[turn].Merge(store);
  if (first_error_.empty()) first_error_ = o.first_error_;
}

}  // namespace llmbench::metrics
