// The rate cap as a pure schedule: sends go at the pacer's earliest time, and no 60 s window may
// hold more requests or tokens than the cap, whatever the request sizes.
#include <boost/test/unit_test.hpp>

#include <random>
#include <vector>

#include "load/rate_pacer.hpp"

using llmbench::load::RatePacer;

namespace {

constexpr std::int64_t kS = 1'000'000'000;
constexpr std::int64_t kMinute = 60 * kS;

struct Send {
  std::int64_t at;
  std::int64_t tokens;
};

// Sends `costs` one after another, each as early as the pacer allows (a closed loop that is never
// the bottleneck).
std::vector<Send> Schedule(RatePacer& pacer, const std::vector<std::int64_t>& costs) {
  std::vector<Send> sends;
  std::int64_t now = 0;
  for (const auto cost : costs) {
    now = pacer.EarliestNs(now, cost);
    pacer.Take(now, cost);
    sends.push_back({now, cost});
  }
  return sends;
}

// The largest number of requests and of tokens in any half-open 60 s window.
std::pair<std::int64_t, std::int64_t> WorstWindow(const std::vector<Send>& sends) {
  std::int64_t requests = 0, tokens = 0;
  for (std::size_t i = 0; i < sends.size(); ++i) {
    std::int64_t n = 0, t = 0;
    for (std::size_t j = i; j < sends.size() && sends[j].at < sends[i].at + kMinute; ++j) {
      ++n;
      t += sends[j].tokens;
    }
    requests = std::max(requests, n);
    tokens = std::max(tokens, t);
  }
  return {requests, tokens};
}

}  // namespace

BOOST_AUTO_TEST_CASE(requests_per_minute_spreads_sends_evenly) {
  RatePacer pacer(120.0, std::nullopt);
  BOOST_TEST(pacer.active());
  const auto sends = Schedule(pacer, std::vector<std::int64_t>(300, 100));
  for (std::size_t i = 1; i < sends.size(); ++i) BOOST_TEST(sends[i].at - sends[i - 1].at == kS / 2);
  BOOST_TEST(WorstWindow(sends).first == 120);
  BOOST_TEST(!RatePacer(std::nullopt, std::nullopt).active());
}

BOOST_AUTO_TEST_CASE(tokens_per_minute_never_exceeded_in_any_window) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> cost(50, 900);
  std::vector<std::int64_t> costs(400);
  for (auto& c : costs) c = cost(rng);
  RatePacer pacer(std::nullopt, 4000.0);
  const auto sends = Schedule(pacer, costs);
  const auto [requests, tokens] = WorstWindow(sends);
  BOOST_TEST(tokens <= 4000, tokens);
  BOOST_TEST(tokens >= 3000, tokens);  // and the cap is used, not wasted
  // The long-run rate is the cap's.
  std::int64_t total = 0;
  for (const auto& s : sends) total += s.tokens;
  const double minutes = static_cast<double>(sends.back().at) / kMinute;
  BOOST_TEST(static_cast<double>(total - sends.back().tokens) / minutes <= 4000.0 * 1.001);
}

BOOST_AUTO_TEST_CASE(both_caps_hold_and_an_oversized_request_goes_alone) {
  RatePacer pacer(30.0, 1000.0);
  const auto sends = Schedule(pacer, {400, 400, 400, 100, 100, 100, 100, 100, 100, 100});
  const auto [requests, tokens] = WorstWindow(sends);
  BOOST_TEST(requests <= 30);
  BOOST_TEST(tokens <= 1000);
  BOOST_TEST(sends[1].at == 24 * kS);  // 400 tokens are 24 s of a 1,000-per-minute cap
  BOOST_TEST(sends[2].at == 60 * kS);  // 400 + 400 + 400 > 1,000: waits for the first to leave

  RatePacer small(std::nullopt, 1000.0);
  const auto big = Schedule(small, {300, 2500, 300});
  BOOST_TEST(big[1].at == 60 * kS);               // alone in its window
  BOOST_TEST(big[2].at == big[1].at + 150 * kS);  // then its 2,500 tokens' share: 2.5 minutes
}
