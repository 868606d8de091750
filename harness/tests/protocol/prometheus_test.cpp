// The Prometheus text format against its edge cases, and what a level's scrapes add up to.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "protocol/prometheus.hpp"

using namespace llmbench::protocol;

BOOST_AUTO_TEST_CASE(types_labels_escapes_specials_timestamps_exemplars) {
  const auto s = ParsePrometheus(
      "# HELP vllm:num_requests_running Number of requests running.\n"
      "# TYPE vllm:num_requests_running gauge\n"
      "vllm:num_requests_running{model_name=\"m\"} 3.0\n"
      "path_total{path=\"C:\\\\dir\\\\\",msg=\"say \\\"hi\\\"\\nbye\",} 7 1700000000000\r\n"
      "  \n"
      "temp -Inf\n"
      "ratio NaN\n"
      "big{le=\"+Inf\"} +Inf\n"
      "requests_total{code=\"200\"} 1027 # {trace_id=\"KOO5S4vxi0o\"} 0.67\n"
      "odd{a=\"}{#\"} 1\n"
      "no_value\n"
      "bad{a=1} 2\n"
      "words 12abc\n"
      "# EOF\n");
  BOOST_TEST(s.types.at("vllm:num_requests_running") == "gauge");
  BOOST_TEST_REQUIRE(s.samples.size() == 7u);
  BOOST_TEST(s.samples[0].Label("model_name") == "m");
  BOOST_TEST(s.samples[0].value == 3.0);
  BOOST_TEST(s.samples[1].Label("path") == "C:\\dir\\");
  BOOST_TEST(s.samples[1].Label("msg") == "say \"hi\"\nbye");
  BOOST_TEST(s.samples[1].value == 7);  // the timestamp is not the value
  BOOST_TEST(std::isinf(s.samples[2].value));
  BOOST_TEST(s.samples[2].value < 0);
  BOOST_TEST(std::isnan(s.samples[3].value));
  BOOST_TEST(std::isinf(s.samples[4].value));
  BOOST_TEST(s.samples[5].value == 1027);  // the exemplar is not the value
  BOOST_TEST(s.samples[6].Label("a") == "}{#");
  BOOST_TEST(s.errors.size() == 3u);  // no_value, bad{a=1}, 12abc
  BOOST_TEST(s.errors[0].find("line 11") == 0u);
}

BOOST_AUTO_TEST_CASE(garbage_never_throws) {
  std::string garbage;
  for (int i = 0; i < 5000; ++i) garbage.push_back(static_cast<char>((i * 37 + 11) % 256));
  const auto s = ParsePrometheus(garbage);
  BOOST_TEST(s.errors.size() <= 20u);
  BOOST_TEST(ParsePrometheus("").samples.empty());
  BOOST_TEST(ParsePrometheus("{}").errors.size() == 1u);
  BOOST_TEST(ParsePrometheus("a{").errors.size() == 1u);
  BOOST_TEST(ParsePrometheus("a{b=\"unterminated} 1").errors.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_levels_counters_gauges_and_histograms) {
  const char* before =
      "# TYPE vllm:num_preemptions counter\n"
      "vllm:num_preemptions_total{model_name=\"m\"} 2\n"
      "# TYPE vllm:gpu_cache_usage_perc gauge\n"
      "vllm:gpu_cache_usage_perc 0.1\n"
      "llamacpp:tokens_predicted_total 100\n"  // no TYPE: a _total is a counter
      "# TYPE vllm:time_to_first_token_seconds histogram\n"
      "vllm:time_to_first_token_seconds_bucket{le=\"0.1\"} 10\n"
      "vllm:time_to_first_token_seconds_bucket{le=\"0.5\"} 10\n"
      "vllm:time_to_first_token_seconds_bucket{le=\"+Inf\"} 10\n"
      "vllm:time_to_first_token_seconds_sum 0.5\n"
      "vllm:time_to_first_token_seconds_count 10\n";
  const char* during = "vllm:gpu_cache_usage_perc 0.9\n";
  const char* after =
      "# TYPE vllm:num_preemptions counter\n"
      "vllm:num_preemptions_total{model_name=\"m\"} 5\n"
      "vllm:gpu_cache_usage_perc 0.2\n"
      "llamacpp:tokens_predicted_total 356\n"
      "# TYPE vllm:time_to_first_token_seconds histogram\n"
      "vllm:time_to_first_token_seconds_bucket{le=\"0.1\"} 10\n"
      "vllm:time_to_first_token_seconds_bucket{le=\"0.5\"} 110\n"
      "vllm:time_to_first_token_seconds_bucket{le=\"+Inf\"} 110\n"
      "vllm:time_to_first_token_seconds_sum 30.5\n"
      "vllm:time_to_first_token_seconds_count 110\n";
  const auto stats = ScrapeStatistics({ParsePrometheus(before), ParsePrometheus(during), ParsePrometheus(after)});
  BOOST_TEST(stats.at("vllm:num_preemptions_total.delta") == 3);
  BOOST_TEST(stats.at("llamacpp:tokens_predicted_total.delta") == 256);
  BOOST_TEST(stats.at("vllm:gpu_cache_usage_perc.max") == 0.9);
  BOOST_TEST(std::abs(stats.at("vllm:gpu_cache_usage_perc.mean") - 0.4) < 1e-12);
  BOOST_TEST(stats.at("vllm:gpu_cache_usage_perc.last") == 0.2);
  BOOST_TEST(stats.at("vllm:time_to_first_token_seconds.count") == 100);
  BOOST_TEST(std::abs(stats.at("vllm:time_to_first_token_seconds.mean") - 0.3) < 1e-12);
  // All 100 new observations fell in (0.1, 0.5]: the median is interpolated at 0.3.
  BOOST_TEST(std::abs(stats.at("vllm:time_to_first_token_seconds.p50") - 0.3) < 1e-12);
  BOOST_TEST(std::abs(stats.at("vllm:time_to_first_token_seconds.p99") - 0.496) < 1e-12);
  // A counter that went down (the engine restarted) has no delta.
  const auto restarted = ScrapeStatistics({ParsePrometheus(after), ParsePrometheus(before)});
  BOOST_TEST(!restarted.contains("vllm:num_preemptions_total.delta"));
  BOOST_TEST(!restarted.contains("vllm:time_to_first_token_seconds.count"));
  BOOST_TEST(ScrapeStatistics({}).empty());
}
