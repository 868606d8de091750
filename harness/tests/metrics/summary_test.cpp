// Record → metrics → Summary, with definitions checked on hand-made records.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <set>

#include "metrics/catalog.hpp"
#include "metrics/request_metrics.hpp"
#include "metrics/summary.hpp"

using namespace llmbench;
namespace tt = boost::test_tools;

namespace {

constexpr std::int64_t kMs = 1'000'000;

load::Record Ok(std::int64_t start_ms, std::vector<std::int64_t> chunk_ms, std::int64_t done_ms, std::int64_t tokens) {
  load::Record r;
  r.start_ns = start_ms * kMs;
  for (auto c : chunk_ms) r.chunk_ns.push_back(c * kMs);
  r.done_ns = done_ms * kMs;
  r.completion_tokens = tokens;
  r.prompt_tokens = 100;
  return r;
}

// A level as the tests build it: its timing, and its records (which a run tallies one by one).
struct Level : load::LevelOutcome {
  std::vector<load::Record> records;
};

metrics::Summary Summarize(const Level& level, const metrics::Pricing& pricing, const scenario::Slo& slo = {},
                           llmbench::Nanoseconds max_lag = std::chrono::milliseconds(10),
                           llmbench::Nanoseconds window = llmbench::Nanoseconds(0)) {
  metrics::LevelTally tally(slo, max_lag);
  for (const auto& r : level.records) tally.Add(r);
  return metrics::Summarize(level, tally, pricing, window);
}

}  // namespace

BOOST_AUTO_TEST_CASE(request_metrics_follow_the_definitions) {
  load::Record r = Ok(1000, {1100, 1110, 1130, 1160}, 1170, 8);  // 4 chunks of 2 tokens
  r.server.total_ns = 150 * kMs;
  const auto m = metrics::Measure(r);
  BOOST_TEST(m.ttft == 100.0);
  BOOST_TEST(m.e2e == 170.0);
  BOOST_TEST((m.itl == std::vector<double>{10, 20, 30}));
  BOOST_TEST(m.tpot == 70.0 / 7.0, tt::tolerance(1e-12));  // (e2e − ttft) / (tokens − 1)
  BOOST_TEST(m.tokens_per_chunk == 2.0);
  BOOST_TEST(m.request_output_speed == 8 / 0.170, tt::tolerance(1e-12));
  BOOST_TEST(m.network_overhead == 20.0);
  BOOST_TEST(m.network_overhead_pct == 100.0 * 20 / 150, tt::tolerance(1e-12));
  BOOST_TEST(!m.output_tokens_counted);
  BOOST_TEST(std::isnan(m.server_queue));
}

BOOST_AUTO_TEST_CASE(output_tokens_counted_when_no_usage) {
  load::Record r = Ok(0, {10, 20, 30}, 40, -1);
  auto m = metrics::Measure(r);
  BOOST_TEST(m.output_tokens_counted);
  BOOST_TEST(m.output_tokens == 3.0);  // one per chunk
  r.token_events = 5;                  // TGI: one token per event
  m = metrics::Measure(r);
  BOOST_TEST(m.output_tokens == 5.0);
  load::Record one = Ok(0, {10}, 12, 1);
  BOOST_TEST(std::isnan(metrics::Measure(one).tpot));
}

BOOST_AUTO_TEST_CASE(summary_excludes_warmup_and_errors_and_counts_kinds) {
  Level o;
  o.load_level = scenario::Level::Closed(2);
  o.first_start_ns = 0;
  o.last_done_ns = 2000 * kMs;
  load::Record warm = Ok(0, {5000}, 6000, 10);  // a huge TTFT that must not count
  warm.warmup = true;
  o.records.push_back(warm);
  o.records.push_back(Ok(0, {100, 110}, 120, 2));
  o.records.push_back(Ok(0, {3500, 3510}, 3520, 2));  // TTFT > 3 s
  load::Record timeout;
  timeout.error = load::ErrorKind::Timeout;
  o.records.push_back(timeout);
  load::Record broken;
  broken.error = load::ErrorKind::Stream;
  o.records.push_back(broken);
  o.retries_429 = 3;
  const auto s = Summarize(o, {.cost_per_hour = 3.6, .price_per_million_input = {}, .price_per_million_output = {}});
  BOOST_TEST(s.warmup == 1);
  BOOST_TEST(s.requests == 4);
  BOOST_TEST(s.succeeded == 2);
  BOOST_TEST(s.errors.at("timeout") == 1);
  BOOST_TEST(s.errors.at("stream") == 1);
  BOOST_TEST(s.errors.at("connect") == 0);
  BOOST_TEST(s.level.at("error_rate") == 0.5);
  BOOST_TEST(s.level.at("ttft_over_3s") == 0.5);
  BOOST_TEST(s.level.at("duration") == 2.0);
  BOOST_TEST(s.level.at("request_throughput") == 1.0);
  BOOST_TEST(s.level.at("output_throughput") == 2.0);
  BOOST_TEST(s.level.at("retries_429") == 3.0);
  // $3.60/h for 2 s = $0.002 for 4 output tokens → $500 per million.
  BOOST_TEST(s.level.at("cost_per_million_output_tokens") == 500.0, tt::tolerance(1e-9));
  BOOST_TEST(s.level.at("cost") == 0.002, tt::tolerance(1e-12));
  BOOST_TEST(s.level.at("cost_per_1k_requests") == 1.0, tt::tolerance(1e-9));            // $0.002 for 2 that succeeded
  BOOST_TEST(s.level.at("cost_per_million_input_tokens") == 10.0, tt::tolerance(1e-9));  // 200 input tokens
  BOOST_TEST(s.level.at("cost_per_million_tokens") == 0.002 / 204 * 1e6, tt::tolerance(1e-9));
  BOOST_TEST_REQUIRE(s.Find("ttft"));
  BOOST_TEST(s.Find("ttft")->count == 2);
  BOOST_TEST(s.Find("ttft")->max == 3500.0);
  BOOST_TEST(!s.Find("server_total"));  // no sample: omitted, not zero
}

BOOST_AUTO_TEST_CASE(goodput_counts_requests_meeting_every_slo) {
  Level o;
  o.first_start_ns = 0;
  o.last_done_ns = 1000 * kMs;
  o.records.push_back(Ok(0, {100, 110}, 120, 2));  // ttft 100, tpot 20, e2e 120: good
  o.records.push_back(Ok(0, {600, 610}, 620, 2));  // ttft 600: misses the TTFT objective
  o.records.push_back(Ok(0, {100, 300}, 320, 2));  // tpot 220: misses the TPOT objective
  load::Record failed;
  failed.error = load::ErrorKind::Timeout;
  o.records.push_back(failed);  // failed: never good
  scenario::Slo slo;
  slo.ttft = std::chrono::milliseconds(500);
  slo.tpot = std::chrono::milliseconds(50);
  const auto s = Summarize(o, {}, slo);
  BOOST_TEST(s.level.at("goodput") == 1.0);
  BOOST_TEST(s.level.at("goodput_throughput") == 2.0);
  BOOST_TEST(s.level.at("slo_attainment") == 0.25);
  BOOST_TEST(s.level.at("request_throughput") == 3.0);
  BOOST_TEST(!Summarize(o, {}).level.count("goodput"));  // no SLO: no goodput
}

BOOST_AUTO_TEST_CASE(empty_level_summarises_without_dividing_by_zero) {
  const auto s = Summarize(Level{}, {});
  BOOST_TEST(s.requests == 0);
  BOOST_TEST(s.level.at("request_throughput") == 0.0);
  BOOST_TEST(s.distributions.empty());
}

BOOST_AUTO_TEST_CASE(catalog_ids_are_unique_and_defined) {
  std::set<std::string_view> ids;
  for (const auto& m : metrics::Catalog()) {
    BOOST_TEST(ids.insert(m.id).second, m.id);
    BOOST_TEST(!m.definition.empty());
    BOOST_TEST(!m.unit.empty());
  }
  BOOST_TEST(metrics::FindMetric("ttft")->unit == "ms");
  BOOST_TEST(!metrics::FindMetric("nope"));
}

BOOST_AUTO_TEST_CASE(output_length_mismatch_counts_only_exactly_known_lengths) {
  Level o;
  o.first_start_ns = 0;
  o.last_done_ns = 1000 * kMs;
  auto asked = [](load::Record r, std::int64_t max_tokens) {
    r.max_tokens = max_tokens;
    return r;
  };
  o.records.push_back(asked(Ok(0, {100, 110}, 120, 8), 8));  // usage 8 of 8
  o.records.push_back(asked(Ok(0, {100, 110}, 120, 4), 8));  // usage 4 of 8: off
  load::Record no_usage = asked(Ok(0, {100, 110}, 120, 8), 8);
  no_usage.completion_tokens = -1;  // 2 chunks counted: not an exact length, not judged
  o.records.push_back(no_usage);
  load::Record tgi = asked(Ok(0, {100, 110, 120}, 130, 3), 3);
  tgi.completion_tokens = -1;
  tgi.token_events = 3;  // one token per event: exact
  o.records.push_back(tgi);
  load::Record failed = asked(load::Record{}, 8);
  failed.error = load::ErrorKind::Stream;
  o.records.push_back(failed);  // failed requests are errors, not length mismatches
  auto s = Summarize(o, {});
  BOOST_TEST(s.level.at("output_length_mismatch") == 1.0 / 3.0, tt::tolerance(1e-12));
  // Nothing known exactly: no value, so a check on it cannot pass silently.
  o.records = {no_usage};
  s = Summarize(o, {});
  BOOST_TEST(!s.level.count("output_length_mismatch"));
  // input_length_error: against the drawn target, from usage only.
  load::Record r = Ok(0, {100, 110}, 120, 2);
  r.target_input_tokens = 80;
  r.prompt_tokens = 84;
  BOOST_TEST(metrics::Measure(r).input_length_error == 5.0, tt::tolerance(1e-12));
  r.prompt_tokens = -1;
  BOOST_TEST(std::isnan(metrics::Measure(r).input_length_error));
}

BOOST_AUTO_TEST_CASE(open_loop_latency_counts_from_the_intended_send_and_the_level_says_how_it_kept_time) {
  Level o;
  o.load_level = scenario::Level::Open(10);
  o.schedule_origin_ns = 1000 * kMs;
  // Intended every 100 ms from 1000 ms; the third was sent 30 ms late, the fourth ends after a
  // 250 ms window.
  for (int i = 0; i < 4; ++i) {
    const std::int64_t intended = 1000 + 100 * i, late = i == 2 ? 30 : 0;
    load::Record r = Ok(intended + late, {intended + late + 20, intended + late + 30}, intended + late + 40, 2);
    r.intended_ns = intended * kMs;
    r.scheduled_ns = r.start_ns;
    o.records.push_back(r);
  }
  o.dropped = 1;
  o.drained = 2;  // the load generator counts them as they end: here the two done after 1250 ms
  o.first_start_ns = 1000 * kMs;
  o.last_done_ns = 1340 * kMs;
  const auto s = Summarize(o, {}, {}, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
  BOOST_TEST(metrics::Measure(o.records[2]).ttft == 50.0);  // 30 ms late + 20 ms: the user's wait
  BOOST_TEST(metrics::Measure(o.records[2]).e2e == 70.0);
  BOOST_TEST(s.Find("schedule_lag")->max == 30.0);
  BOOST_TEST(s.late_sends == 1);
  BOOST_TEST(s.dropped == 1);
  BOOST_TEST(s.level.at("offered_rate") == 10.0);
  BOOST_TEST(s.level.at("send_rate") == 10.0, tt::tolerance(1e-9));  // 4 sends from 1000 to 1300 ms
  BOOST_TEST(s.level.at("drained_requests") == 2.0);                 // done at 1270 and 1340 > 1250 ms
  BOOST_TEST(!Summarize(o, {}).level.contains("drained_requests"));  // no window: nothing drains
  // One late send of four is not "more than 1 %, and more than one": the drop decides.
  BOOST_TEST(metrics::JudgeOpenLoop(s, std::chrono::milliseconds(10), 8).find("the engine did not keep up") == 0u);
  auto two_late = s;
  two_late.late_sends = 2;
  BOOST_TEST(metrics::JudgeOpenLoop(two_late, std::chrono::milliseconds(10), 8).find("the client fell behind") == 0u);
  auto fine = s;
  fine.late_sends = 0;
  fine.dropped = 0;
  BOOST_TEST(metrics::JudgeOpenLoop(fine, std::chrono::milliseconds(10), 8).empty());
}

BOOST_AUTO_TEST_CASE(a_multi_turn_level_gives_ttft_per_turn_and_its_send_rate_counts_arrivals) {
  Level o;
  o.load_level = scenario::Level::Open(10);
  // Two conversations of two turns: arrivals at 0 and 100 ms, second turns due after their answers.
  for (int c = 0; c < 2; ++c) {
    for (int turn = 1; turn <= 2; ++turn) {
      const std::int64_t due = c * 100 + (turn - 1) * 300;
      load::Record r = Ok(due, {due + (turn == 1 ? 40 : 20)}, due + 60, 1);
      r.intended_ns = due * kMs + 1;  // on time (0 means "not scheduled")
      r.scheduled_ns = r.intended_ns;
      r.turn = turn;
      o.records.push_back(r);
    }
  }
  o.first_start_ns = 1;
  o.last_done_ns = 460 * kMs;
  const auto s = Summarize(o, {}, {});
  BOOST_TEST(s.requests == 4);
  BOOST_TEST_REQUIRE(s.Find("ttft_turn_1") != nullptr);
  BOOST_TEST_REQUIRE(s.Find("ttft_turn_2") != nullptr);
  BOOST_TEST(s.Find("ttft_turn_1")->p50 == 40.0, tt::tolerance(1e-6));
  BOOST_TEST(s.Find("ttft_turn_2")->p50 == 20.0, tt::tolerance(1e-6));
  BOOST_TEST(s.Find("ttft_turn_2")->count == 2);
  BOOST_TEST(s.level.at("send_rate") == 10.0, tt::tolerance(1e-9));  // 2 arrivals 100 ms apart, not 4 sends
  BOOST_TEST(s.Find("schedule_lag")->count == 4);                    // every send's lag
  // The catalogue knows every turn's TTFT, and nothing that only looks like one.
  BOOST_TEST(metrics::FindMetric("ttft_turn_2") != nullptr);
  BOOST_TEST(metrics::FindMetric("ttft_turn_12")->unit == "ms");
  BOOST_TEST(metrics::FindMetric("ttft_turn_") == nullptr);
  BOOST_TEST(metrics::FindMetric("ttft_turn_0") == nullptr);
  BOOST_TEST(metrics::FindMetric("ttft_turn_2x") == nullptr);
}

BOOST_AUTO_TEST_CASE(cost_from_token_prices_matches_the_hand_computed_figures) {
  Level o;
  o.load_level = scenario::Level::Closed(2);
  o.last_done_ns = 2000 * kMs;
  o.records.push_back(Ok(0, {100, 110}, 120, 50));  // 100 input + 50 output tokens each
  o.records.push_back(Ok(0, {100, 110}, 120, 50));
  load::Record failed;  // failed: its tokens are not the level's
  failed.error = load::ErrorKind::Timeout;
  o.records.push_back(failed);
  const auto s = Summarize(o, {.cost_per_hour = {}, .price_per_million_input = 1.0, .price_per_million_output = 3.0});
  // 200 input tokens × $1/M + 100 output tokens × $3/M = $0.0005.
  BOOST_TEST(s.level.at("cost") == 0.0005, tt::tolerance(1e-12));
  BOOST_TEST(s.level.at("cost_per_1k_requests") == 0.25, tt::tolerance(1e-9));
  BOOST_TEST(s.level.at("cost_per_million_input_tokens") == 2.5, tt::tolerance(1e-9));
  BOOST_TEST(s.level.at("cost_per_million_output_tokens") == 5.0, tt::tolerance(1e-9));
  BOOST_TEST(s.level.at("cost_per_million_tokens") == 0.0005 / 300 * 1e6, tt::tolerance(1e-9));
  // No price: no cost figures, not zeros.
  const auto free = Summarize(o, {});
  BOOST_TEST(!free.level.contains("cost"));
  BOOST_TEST(!free.level.contains("cost_per_1k_requests"));
}
