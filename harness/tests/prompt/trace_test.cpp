// Traces: Mooncake-shaped lines load in time order with their lengths and unit, each bad line is
// an error naming its line, and every replayed request gets its entry's lengths and its own
// preamble.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "base/diagnostic.hpp"
#include "base/token_estimate.hpp"
#include "prompt/trace.hpp"

using namespace llmbench;
using namespace llmbench::prompt;

namespace {

struct TraceFile {
  explicit TraceFile(const std::string& text)
      : path((std::filesystem::temp_directory_path() /
              ("llmbench-trace-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".jsonl"))
                 .string()) {
    std::ofstream(path) << text;
  }
  ~TraceFile() { std::filesystem::remove(path); }
  std::string path;
  static inline int counter = 0;
};

scenario::PromptClass Class(std::string unit = "ms", std::int64_t limit = 0) {
  scenario::PromptClass c;
  c.name = "t";
  c.trace = "x.jsonl";
  c.trace_time_unit = std::move(unit);
  c.trace_requests = limit;
  return c;
}

InputError ErrorOf(const std::string& text) {
  TraceFile f(text);
  try {
    LoadTrace(f.path, Class());
  } catch (const InputError& e) {
    return e;
  }
  BOOST_FAIL("no error for: " << text);
  throw;
}

}  // namespace

BOOST_AUTO_TEST_CASE(mooncake_lines_load_in_time_order_with_their_lengths) {
  TraceFile f(
      "{\"timestamp\": 1500, \"input_length\": 300, \"output_length\": 20, \"hash_ids\": [1, 2]}\n"
      "\n"
      "{\"timestamp\": 0, \"input_tokens\": 100, \"output_tokens\": 10}\n"
      "{\"timestamp\": 750.5, \"input_length\": 200, \"output_length\": 5}\n");
  const Trace t = LoadTrace(f.path, Class());
  BOOST_TEST_REQUIRE(t.timestamps_s.size() == 3u);
  BOOST_TEST(t.timestamps_s[0] == 0.0);
  BOOST_TEST(std::abs(t.timestamps_s[1] - 0.7505) < 1e-12);
  BOOST_TEST(std::abs(t.timestamps_s[2] - 1.5) < 1e-12);
  BOOST_TEST((t.input_tokens == std::vector<std::int64_t>{100, 200, 300}));
  BOOST_TEST((t.output_tokens == std::vector<std::int64_t>{10, 5, 20}));
  BOOST_TEST(LoadTrace(f.path, Class("s")).timestamps_s.back() == 1500.0);
  BOOST_TEST(LoadTrace(f.path, Class("ms", 2)).timestamps_s.size() == 2u);  // the first two lines

  const auto prompts = TracePrompts(t, Class(), 3, 7, 42, false);
  BOOST_TEST_REQUIRE(prompts.size() == 3u);
  std::set<std::string> preambles;
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST(prompts[i].max_tokens == t.output_tokens[i]);
    BOOST_TEST(std::abs(EstimateTokens(prompts[i].text) - t.input_tokens[i]) <= 1);
    preambles.insert(prompts[i].text.substr(0, 40));
  }
  BOOST_TEST(preambles.size() == 3u);  // no shared prefix between requests
  BOOST_TEST(TracePrompts(t, Class(), 3, 7, 42, false)[1].text == prompts[1].text);  // seeded
}

BOOST_AUTO_TEST_CASE(bad_trace_lines_name_their_line) {
  auto e = ErrorOf("{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\nnot json\n");
  BOOST_TEST(e.diagnostics().front().line == 2);
  BOOST_TEST(e.diagnostics().front().message == "not a JSON object");
  e = ErrorOf("{\"input_length\": 1, \"output_length\": 1}\n");
  BOOST_TEST(e.diagnostics().front().message == "no 'timestamp' (a number ≥ 0, at most 1e+07 s into the trace)");
  e = ErrorOf("{\"timestamp\": 0, \"input_length\": 0, \"output_length\": 1}\n");
  BOOST_TEST(e.diagnostics().front().message == "'input_length' must be a whole number of tokens from 1 to 1000000");
  // Bounded like [classes]: an entry must not synthesise a prompt of 10^12 tokens, nor wait 10^9 s.
  e = ErrorOf("{\"timestamp\": 0, \"input_length\": 1000000000000, \"output_length\": 1}\n");
  BOOST_TEST(e.diagnostics().front().message == "'input_length' must be a whole number of tokens from 1 to 1000000");
  e = ErrorOf("{\"timestamp\": 1e12, \"input_length\": 10, \"output_length\": 1}\n");
  BOOST_TEST(e.diagnostics().front().message == "no 'timestamp' (a number ≥ 0, at most 1e+07 s into the trace)");
  e = ErrorOf("{\"timestamp\": 0, \"input_length\": 5}\n");
  BOOST_TEST(e.diagnostics().front().message == "no 'output_length' (or 'output_tokens')");
  e = ErrorOf("\n\n");
  BOOST_TEST(e.diagnostics().front().message == "no entry");
}
