// Several client hosts: the options, each host's part of a level, and merging the hosts'
// results back into one run (pure functions on results JSON; the end-to-end run is in e2e/).
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "gate/json_codec.hpp"
#include "pipeline/client_split.hpp"
#include "pipeline/merge_clients.hpp"

using namespace llmbench;
using namespace llmbench::pipeline;
using nlohmann::json;

namespace {

ClientSplit Part(int k, int n) {
  ClientSplit s;
  ParseClientPart(std::to_string(k) + "/" + std::to_string(n), s);
  return s;
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(client_parts_and_start_times_parse_or_say_what_is_expected) {
  const ClientSplit s = Part(2, 3);
  BOOST_TEST(s.part == 1);
  BOOST_TEST(s.of == 3);
  BOOST_TEST(s.Name() == "client 2/3");
  for (const char* bad : {"0/2", "3/2", "1/1", "2", "1/2x", "a/b", ""}) {
    ClientSplit x;
    BOOST_TEST(ErrorOf([&] { ParseClientPart(bad, x); }).find("expected K/N") != std::string::npos, bad);
  }
  BOOST_TEST(ParseUtcTime("1970-01-01T00:00:01Z") == 1'000'000'000);
  BOOST_TEST(ParseUtcTime("2026-12-07T06:30:00.25Z") == 1796625000'250'000'000LL);
  BOOST_TEST(ParseUtcTime("@1796625000.5") == 1796625000'500'000'000LL);
  BOOST_TEST(FormatUtcTime(1796625000'250'000'000LL) == "2026-12-07T06:30:00.250Z");
  for (const char* bad : {"2026-12-07 06:30:00Z", "2026-12-07T06:30:00", "2026-13-07T06:30:00Z", "@", "@x", "now"}) {
    BOOST_TEST(ErrorOf([&] { ParseUtcTime(bad); }).find("expected a UTC time") != std::string::npos, bad);
  }
}

BOOST_AUTO_TEST_CASE(the_hosts_parts_cover_every_unit_and_slot_exactly_once) {
  for (const auto& level : {scenario::Level::Open(10), scenario::Level::Closed(8)}) {
    for (int n : {2, 3, 5}) {
      std::vector<int> seen(23, 0);
      std::int32_t slots = 0;
      for (int k = 1; k <= n; ++k) {
        const ClientSplit s = Part(k, n);
        const auto units = OwnUnits(level, 23, s);
        BOOST_TEST(std::is_sorted(units.begin(), units.end()));
        // Conversations of 2 turns: prompts 2u and 2u+1 belong to unit u.
        std::vector<int> prompts(46);
        std::iota(prompts.begin(), prompts.end(), 0);
        const auto own = PickUnits(prompts, 2, units);
        BOOST_TEST_REQUIRE(own.size() == 2 * units.size());
        for (std::size_t j = 0; j < units.size(); ++j) {
          BOOST_TEST(own[2 * j] == 2 * units[j]);
          BOOST_TEST(own[2 * j + 1] == 2 * units[j] + 1);
          ++seen[static_cast<std::size_t>(units[j])];
        }
        // Changed and put back where they came from.
        auto changed = own;
        for (auto& p : changed) p += 1000;
        auto all = prompts;
        ScatterUnits(changed, 2, units, all);
        for (std::size_t i = 0; i < all.size(); ++i) {
          const bool mine = std::count(units.begin(), units.end(), static_cast<std::int64_t>(i / 2)) > 0;
          BOOST_TEST(all[i] == static_cast<int>(i) + (mine ? 1000 : 0));
        }
        slots += ShareOf(8, s);
        // Closed loop: units in proportion to the host's slots (each slot's units in turn).
        if (!level.open()) {
          for (const auto u : units) BOOST_TEST((u % 8) % n == k - 1);
        }
      }
      for (int count : seen) BOOST_TEST(count == 1);
      BOOST_TEST(slots == 8);
    }
  }
  // Concurrency 8 on 3 hosts, 32 requests: 3 + 3 + 2 slots, 12 + 12 + 8 requests, 4 rounds each.
  const scenario::Level c8 = scenario::Level::Closed(8);
  BOOST_TEST(OwnUnits(c8, 32, Part(1, 3)).size() == 12u);
  BOOST_TEST(OwnUnits(c8, 32, Part(3, 3)).size() == 8u);
  BOOST_TEST(ShareOf(8, Part(3, 3)) == 2);
}

BOOST_AUTO_TEST_CASE(what_client_hosts_cannot_share_is_named_with_the_way_out) {
  scenario::Case c;
  c.id = "s/e/c";
  c.load.concurrency = {1, 8};
  c.load.requests = 20;
  const ClientSplit two = Part(1, 2);
  BOOST_TEST(CannotSplit(c, two).find("concurrency 1 cannot be shared by 2 client hosts: run it from one host "
                                      "(--level c1)") != std::string::npos,
             CannotSplit(c, two));
  c.only_levels = {"c8"};
  BOOST_TEST(CannotSplit(c, two) == "");
  c.only_levels.clear();
  c.load.concurrency.clear();
  c.load.sweep = scenario::Sweep{.points = 2, .concurrency = 0};
  BOOST_TEST(CannotSplit(c, two).find("(--level sweep)") != std::string::npos, CannotSplit(c, two));
  c.load.sweep.reset();
  c.load.rate = {10};
  c.load.max_concurrency = 1;
  BOOST_TEST(CannotSplit(c, two).find("max_concurrency 1") != std::string::npos, CannotSplit(c, two));
  c.load.max_concurrency = 64;
  c.engine.name = "sim";
  c.engine.sim = scenario::SimSettings{};
  BOOST_TEST(CannotSplit(c, two).find("embedded simulator") != std::string::npos, CannotSplit(c, two));
}

namespace {

// One host's results.json with one closed-loop run of `requests` records: unit u of the level
// at u × 10 ms on its own monotonic clock, which is `wall_minus_mono` behind the wall clock.
json HostResults(int part, int of, std::int64_t start, std::int64_t wall_minus_mono, int concurrency, int requests) {
  json records = json::array();
  const std::int64_t anchor = start + 1'000'000'000 - wall_minus_mono;  // slot 0 + 1 s warm-up slot, monotonic
  for (int u = part - 1; u < requests; u += of) {
    load::Record r;
    r.index = u;
    r.load_level = scenario::Level::Closed(concurrency);
    r.request_id = "h" + std::to_string(part) + "-" + std::to_string(u);
    r.scheduled_ns = r.start_ns = anchor + u * 10'000'000LL;
    r.first_byte_ns = r.start_ns + 1'000'000;
    r.chunk_ns = {r.start_ns + 5'000'000, r.start_ns + 7'000'000};
    r.done_ns = r.start_ns + 8'000'000;
    r.prompt_tokens = 10;
    r.completion_tokens = 2;
    records.push_back(gate::ToJson(r));
  }
  json run;
  gate::RunData d;
  d.load_level = scenario::Level::Closed(concurrency);
  d.session = "s" + std::to_string(part);
  run = gate::ToJson(d);
  metrics::Summary s;
  s.load_level = d.load_level;
  s.level["server.queue.mean"] = 4.5;
  run["summary"] = gate::ToJson(s);
  run["records"] = records;
  run["client"] = {{"part", part},
                   {"of", of},
                   {"slot", 0},
                   {"wall_minus_monotonic_ns", wall_minus_mono},
                   {"anchor_ns", anchor},
                   {"first_start_ns", anchor + (part - 1) * 10'000'000LL},
                   {"last_done_ns", anchor + (requests - of + part - 1) * 10'000'000LL + 8'000'000}};
  return {{"schema", gate::kResultsSchema},
          {"client",
           {{"part", part},
            {"of", of},
            {"start_utc_ns", start},
            {"slot_ns", 10'000'000'000},
            {"warmup_slot_ns", 1'000'000'000}}},
          {"cases",
           {{{"id", "s/e/c"}, {"status", "passed"}, {"fingerprint", json::object()}, {"runs", json::array({run})}}}}};
}

// As ReadClientResults gives them: each run's records moved out of results.json into what
// records.jsonl holds.
std::vector<ClientResults> Hosts(const std::vector<json>& results) {
  std::vector<ClientResults> out;
  for (json r : results) {
    ClientResults host;
    host.path = "host" + std::to_string(r["client"]["part"].get<int>());
    for (auto& entry : r["cases"]) {
      for (auto& run : entry["runs"]) {
        auto& records =
            host.records[{entry["id"].get<std::string>(), run.value("attempt", 1), run.value("repetition", 1)}];
        for (const auto& rj : run["records"]) records.push_back(gate::RecordFromJson(rj));
        run.erase("records");
      }
    }
    host.part = r["client"]["part"].get<int>();
    host.of = r["client"]["of"].get<int>();
    host.start_utc_ns = r["client"]["start_utc_ns"].get<std::int64_t>();
    host.results = std::move(r);
    out.push_back(std::move(host));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(merging_puts_every_hosts_records_on_one_time_line_and_summarises_them_again) {
  constexpr std::int64_t kStart = 1796625000'000'000'000LL;
  // Two hosts whose monotonic clocks are far apart: the wall clock maps them onto one line.
  json one = HostResults(1, 2, kStart, kStart - 5'000'000'000LL, 4, 40);
  json two = HostResults(2, 2, kStart, kStart - 917'000'000'000LL, 4, 40);
  // Matrix jobs on different machines: merged, each machine named.
  one["cases"][0]["fingerprint"]["hardware"] = "CPU A x 4";
  two["cases"][0]["fingerprint"]["hardware"] = "CPU B x 2";
  const auto hosts = Hosts({one, two});
  scenario::Case c;
  c.id = "s/e/c";
  c.load.concurrency = {4};
  const json* e1 = &hosts[0].results["cases"][0];
  const json* e2 = &hosts[1].results["cases"][0];
  const MergedCase m = MergeCase(c, hosts, {e1, e2});
  BOOST_TEST(m.status == "passed", m.message);
  BOOST_TEST(m.fields["fingerprint"]["hardware"] == "CPU A x 4 + CPU B x 2");
  BOOST_TEST_REQUIRE(m.runs.size() == 1u);
  const MergedRun& run = m.runs[0];
  BOOST_TEST_REQUIRE(run.records.size() == 40u);
  // In send order, every unit once, 10 ms apart, on the merged time line (0 = a minute before
  // --start-at; the measured phase began 1 s after it).
  for (std::size_t i = 0; i < 40; ++i) {
    BOOST_TEST(run.records[i].index == static_cast<std::int64_t>(i));
    BOOST_TEST(run.records[i].start_ns ==
               kMergedEpochBeforeStartNs + 1'000'000'000 + static_cast<std::int64_t>(i) * 10'000'000);
  }
  BOOST_TEST(run.summary.requests == 40);
  // 40 requests from the first start to the last end: 398 ms.
  BOOST_TEST(run.summary.level.at("request_throughput") == 40 / 0.398, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(run.summary.level.at("server.queue.mean") == 4.5);  // the engine's figures: part 1's
  BOOST_TEST(run.summary.invalid == "");
  BOOST_TEST(run.data.session == "merged-s1");
  BOOST_TEST_REQUIRE(m.levels.size() == 1u);
  BOOST_TEST(m.levels[0].requests == 40);
}

BOOST_AUTO_TEST_CASE(a_host_that_started_its_part_late_makes_the_level_invalid) {
  constexpr std::int64_t kStart = 1796625000'000'000'000LL;
  auto late = HostResults(2, 2, kStart, kStart, 4, 40);
  json& client = late["cases"][0]["runs"][0]["client"];
  client["first_start_ns"] = client["anchor_ns"].get<std::int64_t>() + 250'000'000;  // 250 ms late
  const auto hosts = Hosts({HostResults(1, 2, kStart, kStart, 4, 40), late});
  scenario::Case c;
  c.id = "s/e/c";
  const MergedCase m = MergeCase(c, hosts, {&hosts[0].results["cases"][0], &hosts[1].results["cases"][0]});
  BOOST_TEST(m.runs[0].summary.invalid.find("client 2/2 began its part 250.0 ms after the agreed start") == 0,
             m.runs[0].summary.invalid);
  BOOST_TEST(m.levels[0].invalid == m.runs[0].summary.invalid);
}

BOOST_AUTO_TEST_CASE(results_that_are_not_all_parts_of_one_run_are_refused) {
  constexpr std::int64_t kStart = 1796625000'000'000'000LL;
  const auto dir = std::filesystem::temp_directory_path() / "llmbench-merge-test";
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const json& j) {
    std::ofstream(dir / name) << j.dump();
    return (dir / name).string();
  };
  const std::string h1 = write("h1.json", HostResults(1, 3, kStart, 0, 4, 40));
  const std::string h2 = write("h2.json", HostResults(2, 3, kStart, 0, 4, 40));
  const std::string h3 = write("h3.json", HostResults(3, 3, kStart, 0, 4, 40));
  const std::string other = write("other.json", HostResults(3, 3, kStart + 1, 0, 4, 40));
  json longer = HostResults(3, 3, kStart, 0, 4, 40);
  longer["client"]["slot_ns"] = 20'000'000'000;
  const std::string other_slot = write("slot.json", longer);
  const std::string array = write("array.json", json::array({1, 2}));
  json plain = HostResults(1, 3, kStart, 0, 4, 40);
  plain.erase("client");
  const std::string single = write("single.json", plain);
  BOOST_TEST(ErrorOf([&] { ReadClientResults({h3, h1, h2}); }).find("records.jsonl: missing") != std::string::npos);
  std::ofstream(dir / "records.jsonl").flush();  // an empty one: these parts ran no request
  BOOST_TEST(ReadClientResults({h3, h1, h2}).front().part == 1);
  BOOST_TEST(ErrorOf([&] { ReadClientResults({h1, h2}); }).find("client 3/3 missing") != std::string::npos);
  BOOST_TEST(ErrorOf([&] { ReadClientResults({h1, h2, h2}); }).find("both client 2/3") != std::string::npos);
  BOOST_TEST(ErrorOf([&] { ReadClientResults({h1, h2, other}); }).find("another --start-at") != std::string::npos);
  BOOST_TEST(ErrorOf([&] { ReadClientResults({h1, h2, other_slot}); }).find("another --slot") != std::string::npos);
  BOOST_TEST(ErrorOf([&] { ReadClientResults({h1, h2, array}); }).find("not an llmbench-results") != std::string::npos);
  BOOST_TEST(ErrorOf([&] {
               ReadClientResults({h1, single});
             }).find("not a client host's results") != std::string::npos);
  // A line of records.jsonl that is not a record: named, never skipped (the merge would miss a request).
  std::ofstream(dir / "records.jsonl") << R"({"case":"s/e/c","index":0,"concurrency":4})"
                                       << "\n{\"case\": 7, tru\n";
  BOOST_TEST(ErrorOf([&] {
               ReadClientResults({h3, h1, h2});
             }).find("records.jsonl:2: ") != std::string::npos,
             ErrorOf([&] {
               ReadClientResults({h3, h1, h2});
             }));
  std::filesystem::remove_all(dir);
}
