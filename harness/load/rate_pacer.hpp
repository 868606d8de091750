// Client-side caps of a hosted API's quota ([engines.<name>] requests_per_minute,
// tokens_per_minute): sends are spread evenly (the next waits 60 s / cap after the last, or its
// token cost's share of a minute), and no 60 s window ever holds more requests or tokens than the
// cap, so the quota's 429s are not what gets measured. One pacer per engine and invocation:
// levels, repetitions and cases of the engine all draw from it.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

namespace llmbench::load {

class RatePacer {
 public:
  RatePacer(std::optional<double> requests_per_minute, std::optional<double> tokens_per_minute);

  bool active() const { return request_interval_ns_ > 0 || ns_per_token_ > 0; }

  /// The earliest monotonic time (ns, ≥ now_ns) at which a request costing `tokens` may go.
  std::int64_t EarliestNs(std::int64_t now_ns, std::int64_t tokens) const;

  /// Records a request sent at now_ns.
  void Take(std::int64_t now_ns, std::int64_t tokens);

 private:
  static constexpr std::int64_t kWindowNs = 60'000'000'000;
  double request_interval_ns_ = 0;
  double ns_per_token_ = 0;
  double tokens_per_window_ = 0;
  std::int64_t request_next_ns_ = 0;
  std::int64_t token_next_ns_ = 0;
  std::deque<std::pair<std::int64_t, std::int64_t>> window_;  ///< (send time, tokens) of the last 60 s
  std::int64_t window_tokens_ = 0;
  void Expire(std::int64_t now_ns);
};

}  // namespace llmbench::load
