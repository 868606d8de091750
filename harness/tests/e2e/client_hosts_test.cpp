// End to end, several client hosts: two real `llmbench run --client K/2` processes send their
// parts of each level to one real simulator process at the agreed times, and `llmbench merge`
// pools them into the run one client would have made. The simulator's truth log shows that the
// engine saw the whole load at once: both hosts' requests in flight together, the arrivals of
// the one schedule.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <set>

#include "e2e/process.hpp"
#include "e2e/results.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

using namespace llmbench::testing;
using nlohmann::json;

namespace {

const std::string kLlmbench = llmbench::testing::kLlmbenchBinary;

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// 4 requests at a time, each 20 ms + 7 × 10 ms.
struct Sim {
  explicit Sim(const TempDir& dir)
      : process({kLlmbench,     "sim",
                 "--port",      "0",
                 "--port-file", dir / "port",
                 "--truth-log", dir / "truth.jsonl",
                 "--set",       "prefill_base=20ms",
                 "--set",       "prefill_per_token=0ns",
                 "--set",       "decode_step=10ms",
                 "--set",       "decode_per_seq=0ns",
                 "--set",       "max_batch=4",
                 "--set",       "jitter=0"},
                dir / "sim.log"),
        port(WaitForFile(dir / "port")) {}
  ChildProcess process;
  std::string port;
};

// A UTC time `seconds` from now, as --start-at takes it.
std::string UtcIn(int seconds) {
  const std::time_t t = std::time(nullptr) + seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The most requests the engine had at once among `ids`, from its truth log.
int PeakInFlight(const std::string& truth_log, const std::set<std::string>& ids) {
  std::vector<std::pair<std::int64_t, int>> events;
  std::ifstream in(truth_log);
  for (std::string line; std::getline(in, line);) {
    const json t = json::parse(line);
    if (!ids.contains(t["request_id"].get<std::string>())) continue;
    events.emplace_back(t["arrived_ns"].get<std::int64_t>(), 1);
    events.emplace_back(t["done_ns"].get<std::int64_t>(), -1);
  }
  std::sort(events.begin(), events.end());
  int now = 0, peak = 0;
  for (const auto& [t, d] : events) peak = std::max(peak, now += d);
  return peak;
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_client_hosts_merge_into_the_run_one_client_would_have_made) {
  TempDir dir("client-hosts");
  Sim sim(dir);
  std::ofstream(dir / "s.toml") << "schema = 1\n[engines.target]\nprotocol = \"openai-chat\"\nurl = "
                                   "\"http://127.0.0.1:"
                                << sim.port
                                << "\"\nmodel = \"m\"\n[classes.c]\ninput_tokens = 64\noutput_tokens = 8\n[load]\n"
                                   "concurrency = [4]\nrate = [20]\narrival = \"constant\"\nrequests = 24\nwarmup = 2\n"
                                   "repetitions = 1\n";
  // The reference: one client sends everything.
  auto [code, output] = RunCommand(kLlmbench + " run " + dir / "s.toml" + " --out " + dir / "one");
  BOOST_TEST_REQUIRE(code == 0, output);
  // Two hosts, started together as CI's matrix jobs would be, agreeing on the slots.
  const std::string common = " --start-at " + UtcIn(2) + " --slot 4s --warmup-slot 1s";
  std::tie(code, output) =
      RunCommand("(" + kLlmbench + " run " + dir / "s.toml" + " --client 1/2" + common + " --out " + dir / "h1" +
                 " > " + dir / "h1.log" + " 2>&1; echo $? > " + dir / "h1.rc) & " + kLlmbench + " run " +
                 dir / "s.toml" + " --client 2/2" + common + " --out " + dir / "h2" + " > " + dir / "h2.log" +
                 " 2>&1; echo $? > " + dir / "h2.rc; wait");
  BOOST_TEST_REQUIRE(WaitForFile(dir / "h1.rc") == "0", WaitForFile(dir / "h1.log"));
  BOOST_TEST_REQUIRE(WaitForFile(dir / "h2.rc") == "0", WaitForFile(dir / "h2.log"));
  std::tie(code, output) =
      RunCommand(kLlmbench + " merge " + dir / "s.toml" + " " + dir / "h1" + " " + dir / "h2" + " --out " + dir / "m");
  BOOST_TEST_REQUIRE(code == 0, output);
  BOOST_TEST(output.find("merged from 2 client hosts") != std::string::npos, output);

  const json one = llmbench::testing::ReadResults(dir / "one/results.json")["cases"][0];
  const json merged = llmbench::testing::ReadResults(dir / "m/results.json");
  BOOST_TEST(merged["merged_clients"]["hosts"].size() == 2u);
  const json& c = merged["cases"][0];
  BOOST_TEST_REQUIRE(c["runs"].size() == 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const json& run = c["runs"][i];
    const json& reference = one["runs"][i]["summary"];
    const json& summary = run["summary"];
    // Every measured unit of the level once, from both hosts.
    std::set<std::int64_t> units;
    std::set<std::string> ids, sessions;
    std::vector<std::int64_t> intended;
    for (const json& r : run["records"]) {
      if (r["warmup"].get<bool>()) continue;
      BOOST_TEST(r["error"] == "none");
      units.insert(r["index"].get<std::int64_t>());
      ids.insert(r["request_id"].get<std::string>());
      sessions.insert(r["request_id"].get<std::string>().substr(0, 8));
      if (r.contains("intended_ns") && r["intended_ns"].is_number())
        intended.push_back(r["intended_ns"].get<std::int64_t>());
    }
    BOOST_TEST(units.size() == 24u);
    BOOST_TEST(*units.begin() == 2);  // after the 2 warm-up units
    BOOST_TEST(*units.rbegin() == 25);
    BOOST_TEST(sessions.size() == 2u);
    BOOST_TEST(summary["requests"] == 24);
    BOOST_TEST(summary.value("invalid", "") == "", summary.dump().substr(0, 300));
    const double rate = summary["level"]["request_throughput"].get<double>();
    const double reference_rate = reference["level"]["request_throughput"].get<double>();
    BOOST_TEST_MESSAGE("run " << i << ": merged " << rate << " req/s, one client " << reference_rate << " req/s");
    LLMBENCH_TIMING_TEST(std::abs(rate / reference_rate - 1) < 0.05);
    if (i == 0) {
      // Concurrency 4 as 2 + 2: the engine had all 4 at once, so the hosts ran together.
      BOOST_TEST(PeakInFlight(dir / "truth.jsonl", ids) == 4);
    } else {
      // Rate 20: the hosts' sends interleave into the one constant schedule, 50 ms apart.
      BOOST_TEST_REQUIRE(intended.size() == 24u);
      std::sort(intended.begin(), intended.end());
      for (std::size_t k = 1; k < intended.size(); ++k)
        BOOST_TEST(std::abs(intended[k] - intended[k - 1] - 50'000'000) < 200'000, k);  // ±0.2 ms
      LLMBENCH_TIMING_TEST(std::abs(summary["level"]["send_rate"].get<double>() / 20 - 1) < 0.02);
      LLMBENCH_TIMING_TEST(summary["distributions"]["schedule_lag"]["p99"].get<double>() < 10.0);
    }
  }
  BOOST_TEST(ReadJson(dir / "m/verdicts.json")[0]["outcome"] == "passed");
}

BOOST_AUTO_TEST_CASE(what_client_hosts_cannot_do_is_refused_with_the_way_out) {
  TempDir dir("client-hosts-refused");
  std::ofstream(dir / "s.toml") << "schema = 1\n[engines.target]\nprotocol = \"openai-chat\"\nurl = "
                                   "\"http://127.0.0.1:9\"\nmodel = \"m\"\n[classes.c]\ninput_tokens = 64\n"
                                   "output_tokens = 8\n[load]\nconcurrency = [1, 4]\nrequests = 8\n";
  const std::string run = kLlmbench + " run " + dir / "s.toml" + " --out " + dir / "out";
  auto [code, output] = RunCommand(run + " --client 1/2 --start-at " + UtcIn(5) + " --slot 10s");
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("concurrency 1 cannot be shared by 2 client hosts: run it from one host (--level c1)") !=
                 std::string::npos,
             output);
  std::tie(code, output) = RunCommand(run + " --client 1/2 --level c4");
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("--client needs --start-at") != std::string::npos, output);
  std::tie(code, output) =
      RunCommand(run + " --client 1/2 --level c4 --start-at " + UtcIn(5) + " --slot 10s --baselines " + dir / "b");
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("judge the merged results") != std::string::npos, output);
  std::tie(code, output) = RunCommand(run + " --slot 10s");
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("go with --client") != std::string::npos, output);
  // A merge that lacks a host says which.
  std::tie(code, output) = RunCommand(kLlmbench + " merge " + dir / "s.toml" + " " + dir / "nowhere");
  BOOST_TEST(code == 2);
  BOOST_TEST(output.find("error:") != std::string::npos, output);
}
