#include "load/rate_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace llmbench::load {

RatePacer::RatePacer(std::optional<double> requests_per_minute, std::optional<double> tokens_per_minute) {
  if (requests_per_minute && *requests_per_minute > 0) request_interval_ns_ = kWindowNs / *requests_per_minute;
  if (tokens_per_minute && *tokens_per_minute > 0) {
    ns_per_token_ = kWindowNs / *tokens_per_minute;
    tokens_per_window_ = *tokens_per_minute;
  }
}

void RatePacer::Expire(std::int64_t now_ns) {
  while (!window_.empty() && window_.front().first <= now_ns - kWindowNs) {
    window_tokens_ -= window_.front().second;
    window_.pop_front();
  }
}

std::int64_t RatePacer::EarliestNs(std::int64_t now_ns, std::int64_t tokens) const {
  std::int64_t t = std::max(now_ns, request_next_ns_);
  if (ns_per_token_ <= 0) return t;
  t = std::max(t, token_next_ns_);
  // The hard bound: this request's tokens and those sent in the 60 s before it fit the cap (a
  // request larger than the whole cap goes alone, into an empty window).
  std::int64_t in_window = window_tokens_;
  for (const auto& [sent, cost] : window_) {
    if (sent > t - kWindowNs) break;
    in_window -= cost;  // already out of the window at t
  }
  for (auto it = window_.begin();
       it != window_.end() && in_window > 0 && static_cast<double>(in_window + tokens) > tokens_per_window_; ++it) {
    if (it->first > t - kWindowNs) {
      t = it->first + kWindowNs;  // wait until this one leaves the window
      in_window -= it->second;
    }
  }
  return t;
}

void RatePacer::Take(std::int64_t now_ns, std::int64_t tokens) {
  if (request_interval_ns_ > 0) {
    request_next_ns_ = std::max(request_next_ns_, now_ns) + static_cast<std::int64_t>(std::ceil(request_interval_ns_));
  }
  if (ns_per_token_ > 0) {
    token_next_ns_ = std::max(token_next_ns_, now_ns) +
                     static_cast<std::int64_t>(std::ceil(ns_per_token_ * static_cast<double>(tokens)));
    Expire(now_ns);
    window_.emplace_back(now_ns, tokens);
    window_tokens_ += tokens;
  }
}

}  // namespace llmbench::load
