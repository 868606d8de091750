// End to end, engine A vs B: two simulators 20 % apart in decode speed, run by the real binary,
// compared by `llmbench report`: the faster one named per metric, with the right ratio.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "e2e/process.hpp"
#include "test_paths.hpp"

using namespace llmbench::testing;

namespace {

const std::string kLlmbench = llmbench::testing::kLlmbenchBinary;

std::string Engine(const std::string& name, const std::string& step) {
  return "[engines." + name + "]\nprotocol = \"sim\"\n[engines." + name +
         ".simulator]\nprefill_base = \"20ms\"\nprefill_per_token = \"0ns\"\ndecode_step = \"" + step +
         "\"\ndecode_per_seq = \"0ns\"\njitter = 0.0\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(engine_a_vs_b_names_the_faster_engine_with_the_right_ratio) {
  TempDir dir("engine-compare");
  std::ofstream(dir / "ab.toml") << "schema = 1\n"
                                 << Engine("fast", "10ms") << Engine("slow", "12ms")
                                 << "[classes.c]\ninput_tokens = 32\noutput_tokens = 16\n[load]\nconcurrency = [2]\n"
                                    "requests = 24\nwarmup = 2\nrepetitions = 3\n";
  auto [code, out] = RunCommand(kLlmbench + " run " + dir / "ab.toml" + " --out " + dir / "run");
  BOOST_TEST_REQUIRE(code == 0, out);
  // Not a terminal (a CI log): the progress of each level, one line per 10 %, with rate and ETA.
  BOOST_TEST(out.find("concurrency 2 run 1/3: ") != std::string::npos, out);
  BOOST_TEST(out.find(" req/s, ETA ") != std::string::npos, out);
  std::tie(code, out) = RunCommand(kLlmbench + " report " + dir / "run" + " --out " + dir / "rep");
  BOOST_TEST_REQUIRE(code == 0, out);
  std::ifstream in(dir / "rep/summary.md");
  std::stringstream md;
  md << in.rdbuf();
  const std::string text = md.str();
  BOOST_TEST(text.find("#### `fast` vs `slow` — ab / c") != std::string::npos, text);
  // TPOT is the decode step: 12 / 10 ms, slow over fast = 1.2, and fast wins.
  const std::regex tpot(
      R"(\| tpot\.p50 \| c=2 \| [0-9.]+ ms \| [0-9.]+ ms \| ([0-9.]+) \[([0-9.]+), ([0-9.]+)\] \| lower \| \*\*(\w+)\*\* \|)");
  std::smatch m;
  BOOST_TEST_REQUIRE(std::regex_search(text, m, tpot), text);
  const double ratio = std::stod(m[1]);
  BOOST_TEST(ratio > 1.17);
  BOOST_TEST(ratio < 1.23);
  BOOST_TEST(std::stod(m[2]) <= ratio);
  BOOST_TEST(std::stod(m[3]) >= ratio);
  BOOST_TEST(m[4] == "fast");
  // Throughput: higher is better, fast wins again (slow / fast below 1).
  const std::regex throughput(
      R"(\| output_throughput \| c=2 \| .* \| ([0-9.]+) \[[0-9., ]+\] \| higher \| \*\*(\w+)\*\* \|)");
  BOOST_TEST_REQUIRE(std::regex_search(text, m, throughput), text);
  BOOST_TEST(std::stod(m[1]) < 0.95);
  BOOST_TEST(m[2] == "fast");
  BOOST_TEST(text.find("Same prompts: class `c` of scenario `ab`") != std::string::npos, text);
  BOOST_TEST(text.find("Same request parameters") != std::string::npos, text);

  // --compare names the pair; a pair that never ran side by side is an error.
  std::tie(code, out) = RunCommand(kLlmbench + " report " + dir / "run" + " --compare fast slow --out " + dir / "rep2");
  BOOST_TEST(code == 0, out);
  std::tie(code, out) = RunCommand(kLlmbench + " report " + dir / "run" + " --compare fast nope --out " + dir / "rep3");
  BOOST_TEST(code == 2, out);
  BOOST_TEST(out.find("no scenario and class where both 'fast' and 'nope' ran") != std::string::npos, out);
}
