// Threshold rules: good rules parse to catalogue units; each bad input gives its precise error.
#include <boost/test/unit_test.hpp>

#include "base/diagnostic.hpp"
#include "scenario/load_toml.hpp"
#include "scenario/threshold.hpp"

using namespace llmbench;
using namespace llmbench::scenario;
namespace tt = boost::test_tools;

namespace {

ParsedThreshold Good(std::string_view text) {
  ThresholdError error;
  auto t = ParseThreshold(text, error);
  BOOST_TEST_REQUIRE(t.has_value(), text << ": " << error.message);
  return *t;
}

ThresholdError Bad(std::string_view text) {
  ThresholdError error;
  BOOST_TEST_REQUIRE(!ParseThreshold(text, error).has_value(), text);
  return error;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rules_parse_into_catalogue_units) {
  auto t = Good("ttft.p95 < 500ms");
  BOOST_TEST(t.metric == "ttft");
  BOOST_TEST(t.statistic == "p95");
  BOOST_TEST((t.op == Comparison::Less));
  BOOST_TEST(t.value == 500.0);
  BOOST_TEST(Good("itl.p50<=0.04s").value == 40.0, tt::tolerance(1e-9));
  BOOST_TEST(Good("e2e.mean < 250us").value == 0.25, tt::tolerance(1e-12));
  t = Good("output_throughput > 900 tok/s");
  BOOST_TEST(t.statistic.empty());
  BOOST_TEST((t.op == Comparison::Greater));
  BOOST_TEST(t.value == 900.0);
  t = Good("errors.rate < 1%");
  BOOST_TEST(t.metric == "error_rate");
  BOOST_TEST(t.value == 0.01, tt::tolerance(1e-12));
  BOOST_TEST(Good("ttft_over_3s <= 5 %").value == 0.05, tt::tolerance(1e-12));
  BOOST_TEST(Good("request_throughput >= 2.5 req/s").value == 2.5);
  BOOST_TEST(Good("retries_429 < 10").value == 10.0);
  BOOST_TEST(Good("cost_per_million_output_tokens < 2 USD").value == 2.0);
  BOOST_TEST(Good("network_overhead_pct.p50 < 20%").value == 20.0);
  BOOST_TEST(Good("  tpot.p99   >=   12ms  ").value == 12.0);
}

BOOST_AUTO_TEST_CASE(unknown_metric_suggests_the_closest) {
  const auto e = Bad("tfft.p95 < 500ms");
  BOOST_TEST(e.message == "unknown metric 'tfft'");
  BOOST_TEST(e.hint == "did you mean 'ttft'?");
  BOOST_TEST(e.offset == 0u);
  BOOST_TEST(Bad("zzzzzzzz < 1").hint.find("metrics: errors.rate, ttft") == 0u);
}

BOOST_AUTO_TEST_CASE(missing_and_wrong_units) {
  auto e = Bad("ttft.p95 < 500");
  BOOST_TEST(e.message == "missing unit: ttft is a duration");
  BOOST_TEST(e.hint == "write e.g. 500ms");
  e = Bad("ttft.p95 < 500 tok/s");
  BOOST_TEST(e.message == "'tok/s' is not a duration unit for ttft");
  BOOST_TEST(e.offset == 15u);
  e = Bad("errors.rate < 0.01");
  BOOST_TEST(e.message == "missing unit: error_rate is a percentage");
  e = Bad("output_throughput > 900 req/s");
  BOOST_TEST(e.message == "'req/s' is not the unit of output_throughput (tok/s)");
  e = Bad("retries_429 < 10 req");
  BOOST_TEST(e.message == "retries_429 is a count and takes no unit");
}

BOOST_AUTO_TEST_CASE(impossible_statistics) {
  auto e = Bad("output_throughput.p95 > 900 tok/s");
  BOOST_TEST(e.message == "output_throughput is one number per level and has no statistic 'p95'");
  BOOST_TEST(e.offset == 18u);
  e = Bad("ttft < 500ms");
  BOOST_TEST(e.message == "ttft is a per-request distribution: name a statistic");
  e = Bad("ttft.p42 < 500ms");
  BOOST_TEST(e.message == "unknown statistic 'p42'");
  BOOST_TEST(e.hint == "one of mean, stddev, min, max, p50, p90, p95, p99");
  e = Bad("errors.count < 3");
  BOOST_TEST(e.message == "errors has one statistic: rate");
}

BOOST_AUTO_TEST_CASE(malformed_comparisons) {
  auto e = Bad("ttft.p95 500ms");
  BOOST_TEST(e.message == "expected a comparison");
  BOOST_TEST(e.offset == 9u);
  e = Bad("ttft.p95 =< 500ms");
  BOOST_TEST(e.message == "'=<' is not a comparison");
  e = Bad("ttft.p95 < fast");
  BOOST_TEST(e.message == "expected a number");
  e = Bad("");
  BOOST_TEST(e.message == "expected a metric name");
  e = Bad("ttft.p95 < 5e400ms");
  BOOST_TEST(e.message == "expected a number");
}

BOOST_AUTO_TEST_CASE(bad_rule_in_a_file_points_into_the_string) {
  const std::string text =
      "schema = 1\nthresholds = [\"ttft.p95 < 500ms\", \"itl.p50 < 40\"]\n[engines.s]\nprotocol = \"sim\"\n"
      "[classes.c]\ninput_tokens = 1\noutput_tokens = 1\n";
  try {
    LoadScenarioText(text, "t.toml", [](const std::string&) { return std::nullopt; });
    BOOST_FAIL("loaded");
  } catch (const InputError& e) {
    BOOST_TEST_REQUIRE(e.diagnostics().size() == 1u);
    const auto& d = e.diagnostics()[0];
    BOOST_TEST(d.line == 2);
    BOOST_TEST(d.column == 35 + 1 + 10);  // the string's quote is at column 35; the number at offset 10
    BOOST_TEST(FormatDiagnostic(d) ==
               "t.toml:2:46: error: key 'thresholds[]': in \"itl.p50 < 40\": missing unit: itl is a duration "
               "(write e.g. 40ms)");
  }
}

BOOST_AUTO_TEST_CASE(goodput_rules_need_an_slo_table) {
  const std::string body = "[engines.s]\nprotocol = \"sim\"\n[classes.c]\ninput_tokens = 1\noutput_tokens = 1\n";
  const auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  try {
    LoadScenarioText("schema = 1\nthresholds = [\"goodput > 2 req/s\"]\n" + body, "g.toml", env);
    BOOST_FAIL("loaded");
  } catch (const InputError& e) {
    BOOST_TEST_REQUIRE(e.diagnostics().size() == 1u);
    BOOST_TEST(e.diagnostics()[0].message.find("no [slo] table") != std::string::npos);
  }
  const auto s = LoadScenarioText(
      "schema = 1\nthresholds = [\"goodput > 2 req/s\", \"slo_attainment > 99%\"]\n"
      "[slo]\nttft = \"500ms\"\ntpot = \"50ms\"\n" +
          body,
      "g.toml", env);
  BOOST_TEST(s.slo.ttft->count() == 500'000'000);
  BOOST_TEST(s.thresholds[1].parsed.value == 0.99, boost::test_tools::tolerance(1e-12));
  BOOST_CHECK_THROW(LoadScenarioText("schema = 1\n[slo]\n" + body, "g.toml", env), InputError);  // empty [slo]
}

BOOST_AUTO_TEST_CASE(server_metric_rules_name_a_family_and_a_statistic) {
  auto t = Good("server.vllm:num_preemptions_total.delta == 0");
  BOOST_TEST(t.metric == "server.vllm:num_preemptions_total");
  BOOST_TEST(t.statistic == "delta");
  BOOST_TEST((t.op == Comparison::Equal));
  BOOST_TEST(t.value == 0.0);
  t = Good("server.llamacpp:kv_cache_usage_ratio.max<0.9");
  BOOST_TEST(t.metric == "server.llamacpp:kv_cache_usage_ratio");
  BOOST_TEST(t.statistic == "max");
  BOOST_TEST(t.value == 0.9);
  BOOST_TEST(Good("server.tgi_request_duration.p99 < 2").statistic == "p99");
  BOOST_TEST(Good("errors.rate == 0%").value == 0.0);
  auto e = Bad("server.vllm:num_preemptions_total.median == 0");
  BOOST_TEST(e.message == "unknown statistic 'median' of a server metric");
  BOOST_TEST(e.offset == 34u);
  BOOST_TEST(Bad("server.vllm:num_preemptions_total == 0").message == "expected server.<metric family>.<statistic>");
  BOOST_TEST(Bad("server < 1").message == "expected server.<metric family>.<statistic>");
  BOOST_TEST(Bad("server.x.max < 1ms").message.find("takes no unit") != std::string::npos);
  BOOST_TEST(Bad("ttft.p95 != 1ms").message == "'!=' is not a comparison");
}
