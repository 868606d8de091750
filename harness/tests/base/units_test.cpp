#include <boost/test/unit_test.hpp>

#include "base/diagnostic.hpp"
#include "base/token_estimate.hpp"
#include "base/units.hpp"

using namespace llmbench;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(units)

BOOST_AUTO_TEST_CASE(durations_parse_with_every_unit) {
  BOOST_TEST(ParseDuration("250ms").value() == Nanoseconds(250ms));
  BOOST_TEST(ParseDuration("1.5s").value() == Nanoseconds(1500ms));
  BOOST_TEST(ParseDuration("2m").value() == Nanoseconds(120s));
  BOOST_TEST(ParseDuration("1h").value() == Nanoseconds(3600s));
  BOOST_TEST(ParseDuration("40us").value() == Nanoseconds(40us));
  BOOST_TEST(ParseDuration("7ns").value() == Nanoseconds(7));
  BOOST_TEST(ParseDuration(" 3 s ").value() == Nanoseconds(3s));
}

BOOST_AUTO_TEST_CASE(durations_reject_hostile_input) {
  for (const char* bad :
       {"", "ms", "250", "250 parsecs", "-1s", "1e400s", "nans", "infs", "1.5.2s", "250msx", "s250", "1e12h"}) {
    BOOST_TEST(!ParseDuration(bad).has_value(), "accepted: " << bad);
  }
}

BOOST_AUTO_TEST_CASE(percent_requires_sign) {
  BOOST_TEST(ParsePercent("1%").value() == 0.01);
  BOOST_TEST(ParsePercent("12.5 %").value() == 0.125);
  BOOST_TEST(!ParsePercent("12.5").has_value());
  BOOST_TEST(!ParsePercent("%").has_value());
}

BOOST_AUTO_TEST_CASE(durations_format_round_trip) {
  for (const char* text : {"250ms", "1.5s", "2m", "1h", "40us", "7ns"}) {
    BOOST_TEST(FormatDuration(*ParseDuration(text)) == text);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(diagnostics)

BOOST_AUTO_TEST_CASE(format_names_position_and_key) {
  const Diagnostic d{"s.toml", 3, 7, "load.concurency", "unknown key", "did you mean 'concurrency'?"};
  BOOST_TEST(FormatDiagnostic(d) ==
             "s.toml:3:7: error: key 'load.concurency': unknown key (did you mean 'concurrency'?)");
}

BOOST_AUTO_TEST_CASE(closest_match_suggests_only_near_words) {
  BOOST_TEST(ClosestMatch("concurency", {"concurrency", "requests", "warmup"}) == "concurrency");
  BOOST_TEST(ClosestMatch("zzzzzz", {"concurrency", "requests"}) == "");
  BOOST_TEST(EditDistance("", "abc") == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(token_estimate_inverts_words_for_tokens) {
  BOOST_TEST(EstimateTokens("") == 0);
  BOOST_TEST(EstimateTokens("  one two\tthree\nfour  ") == 5);
  for (std::int64_t t : {10, 100, 128, 1000, 2048}) {
    std::string text;
    for (std::int64_t i = 0; i < WordsForTokens(t); ++i) text += "word ";
    BOOST_TEST(std::abs(EstimateTokens(text) - t) <= 1, t);
  }
}
