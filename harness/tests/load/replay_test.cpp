// Every recorded stream in tests/data/streams, served byte-exact over loopback by a test server
// and cut into writes at hostile offsets (one byte per write, every 7 bytes, around each line
// end), through the real client and load generator: each transcript's output chunks, usage,
// server timings and error kind (data/streams/expected.json) must come out the same however
// it was cut, and every chunk's stamp must lie between the send and the end of the stream.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "load/load_generator.hpp"
#include "replay_server.hpp"
#include "test_support.hpp"

using llmbench::testing::ReadTestData;
using llmbench::testing::ReplayServer;

namespace {

using Sizes = std::vector<std::size_t>;

Sizes Every(const std::string& body, std::size_t n) { return Sizes(body.size() / n + 1, n); }

// Cuts at every '\n' and '\r': just before it and just after it, so a CRLF is split in the middle
// and blank lines arrive on their own.
Sizes AroundLineEnds(const std::string& body) {
  Sizes sizes;
  std::size_t last = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\n' && body[i] != '\r') continue;
    if (i > last) sizes.push_back(i - last);
    sizes.push_back(1);
    last = i + 1;
  }
  sizes.push_back(body.size() - last);
  return sizes;
}

struct Split {
  const char* name;
  ReplayServer::Splitter split;
};

const std::vector<Split>& Splits() {
  static const std::vector<Split> splits{
      {"whole", [](const std::string& b) { return Sizes{b.size()}; }},
      {"one byte per write", [](const std::string& b) { return Every(b, 1); }},
      {"every 7 bytes", [](const std::string& b) { return Every(b, 7); }},
      {"around line ends", AroundLineEnds},
      {"first 3 bytes, then the rest",
       [](const std::string& b) {
         return Sizes{3, b.size()};
       }},
  };
  return splits;
}

std::vector<std::string> Transcripts() {
  std::vector<std::string> names;
  const auto expected = nlohmann::json::parse(ReadTestData("streams/expected.json"));
  for (const auto& [name, _] : expected.items()) {
    if (name.front() != '_') names.push_back(name);
  }
  return names;
}

std::int64_t Or(const nlohmann::json& j, const char* key, std::int64_t fallback) {
  return j.contains(key) ? j.at(key).get<std::int64_t>() : fallback;
}

}  // namespace

BOOST_DATA_TEST_CASE(each_transcript_gives_the_same_record_however_it_is_cut,
                     boost::unit_test::data::make(Transcripts()), transcript) {
  const nlohmann::json expected =
      nlohmann::json::parse(ReadTestData("streams/expected.json")).at(std::string(transcript));
  const std::string body = ReadTestData("streams/" + transcript);
  const std::string protocol = expected.at("protocol");
  for (const auto& split : Splits()) {
    BOOST_TEST_CONTEXT(transcript << ", " << split.name) {
      ReplayServer server(body, split.split);
      llmbench::scenario::Load load;
      load.concurrency = {1};
      load.requests = 2;
      load.warmup = 0;
      load.timeout = std::chrono::seconds(10);
      llmbench::load::Target target{.url = server.url(protocol == "tgi" ? "/generate_stream" : "/v1/chat/completions"),
                                    .protocol = protocol,
                                    .model = "m"};
      llmbench::load::LoadGenerator generator(target, load, "replay");
      const std::vector<llmbench::prompt::Prompt> prompts(2,
                                                          {.text = "Say hello.", .input_tokens = 3, .max_tokens = 8});
      std::vector<llmbench::load::Record> records;
      generator.RunLevel(
          llmbench::scenario::Level::Closed(1), prompts,
          [&](llmbench::load::Record& r) { records.push_back(std::move(r)); }, nullptr);
      BOOST_TEST_REQUIRE(records.size() == 2u);
      for (const auto& r : records) {
        BOOST_TEST(r.http_status == 200);
        BOOST_TEST(std::string(llmbench::load::ToString(r.error)) == expected.at("error").get<std::string>(),
                   "error kind " << llmbench::load::ToString(r.error) << " (" << r.error_message << ")");
        if (expected.contains("error_contains")) {
          BOOST_TEST(r.error_message.find(expected.at("error_contains").get<std::string>()) != std::string::npos,
                     "error message: " << r.error_message);
        }
        BOOST_TEST(static_cast<std::int64_t>(r.chunk_ns.size()) == expected.at("text_chunks").get<std::int64_t>());
        BOOST_TEST(r.prompt_tokens == Or(expected, "prompt_tokens", -1));
        BOOST_TEST(r.completion_tokens == Or(expected, "completion_tokens", -1));
        BOOST_TEST(r.cached_prompt_tokens == Or(expected, "cached_prompt_tokens", -1));
        BOOST_TEST(r.evaluated_prompt_tokens == Or(expected, "evaluated_prompt_tokens", -1));
        BOOST_TEST(r.finish_reason == expected.value("finish_reason", std::string()));
        BOOST_TEST(r.server.queue_ns == Or(expected, "queue_ns", -1));
        BOOST_TEST(r.server.prompt_ns == Or(expected, "prompt_ns", -1));
        BOOST_TEST(r.server.completion_ns == Or(expected, "completion_ns", -1));
        BOOST_TEST(r.server.total_ns == Or(expected, "total_ns", -1));
        // Stamps: taken where the bytes arrived, never before the send, in order.
        BOOST_TEST(r.first_byte_ns >= r.start_ns);
        std::int64_t previous = r.first_byte_ns;
        for (const auto t : r.chunk_ns) {
          BOOST_TEST(t >= previous);
          previous = t;
        }
        BOOST_TEST(r.done_ns >= previous);
      }
    }
  }
}

// Multi-turn conversations through the real client: every turn of every conversation is sent,
// in order, on the conversation's slot; and a level that stops issuing (max_duration) ends the
// conversations that are thinking instead of sending their next turn.
BOOST_AUTO_TEST_CASE(conversations_run_their_turns_and_end_when_the_level_stops) {
  const std::string body = ReadTestData("streams/vllm_chat.sse");
  ReplayServer server(body, [](const std::string& b) { return Sizes{b.size()}; });
  llmbench::scenario::Load load;
  load.requests = 3;  // conversations
  load.warmup = 0;
  load.timeout = std::chrono::seconds(10);
  llmbench::load::Target target{
      .url = server.url("/v1/chat/completions"), .protocol = "openai-chat", .model = "m", .turns = 3};
  const std::vector<llmbench::prompt::Prompt> prompts(9, {.text = "Say hello.", .input_tokens = 3, .max_tokens = 8});
  {
    llmbench::load::LoadGenerator generator(target, load, "mt");
    llmbench::load::Progress progress;
    std::vector<llmbench::load::Record> records;
    generator.RunLevel(
        llmbench::scenario::Level::Closed(2), prompts,
        [&](llmbench::load::Record& r) { records.push_back(std::move(r)); }, &progress);
    BOOST_TEST_REQUIRE(records.size() == 9u);
    std::map<std::int64_t, int> last_turn;
    for (const auto& r : records) {
      BOOST_TEST((r.error == llmbench::load::ErrorKind::None), r.error_message);
      const std::int64_t conversation = r.index / 3;
      BOOST_TEST(r.turn == static_cast<int>(r.index % 3) + 1);
      BOOST_TEST(r.turn == last_turn[conversation] + 1);  // in order
      last_turn[conversation] = r.turn;
      BOOST_TEST(r.request_id == "mt-c2-" + std::to_string(conversation) + "-t" + std::to_string(r.turn));
    }
    BOOST_TEST(progress.done == 9);
  }
  target.think_time_ns = 30'000'000'000;  // 30 s of thinking: the level's 300 ms end comes first
  load.max_duration = std::chrono::milliseconds(300);
  llmbench::load::LoadGenerator generator(target, load, "mt");
  llmbench::load::Progress progress;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<llmbench::load::Record> records;
  generator.RunLevel(
      llmbench::scenario::Level::Closed(3), prompts,
      [&](llmbench::load::Record& r) { records.push_back(std::move(r)); }, &progress);
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)));
  BOOST_TEST(records.size() == 3u);  // the first turns only
  for (const auto& r : records) BOOST_TEST(r.turn == 1);
  BOOST_TEST(progress.done == 9);  // the turns never sent count as done
}

namespace {

// Runs one request against `url` with a 300 ms timeout; returns its record and the wall time.
std::pair<llmbench::load::Record, std::chrono::nanoseconds> OneRequestWith300msTimeout(const std::string& url) {
  llmbench::scenario::Load load;
  load.requests = 1;
  load.warmup = 0;
  load.timeout = std::chrono::milliseconds(300);
  llmbench::load::Target target{.url = url, .protocol = "openai-chat", .model = "m"};
  llmbench::load::LoadGenerator generator(target, load, "deadline");
  const std::vector<llmbench::prompt::Prompt> prompts(1, {.text = "Say hello.", .input_tokens = 3, .max_tokens = 8});
  std::vector<llmbench::load::Record> records;
  const auto t0 = std::chrono::steady_clock::now();
  generator.RunLevel(
      llmbench::scenario::Level::Closed(1), prompts,
      [&](llmbench::load::Record& r) { records.push_back(std::move(r)); }, nullptr);
  const auto wall = std::chrono::steady_clock::now() - t0;
  if (records.size() != 1) throw std::runtime_error("expected one record, got " + std::to_string(records.size()));
  return {std::move(records.front()), wall};
}

}  // namespace

// The client enforces a request's timeout itself (curl is given none, see stream_client.cpp): a
// server that stops sending mid-stream fails the request as a timeout once its timeout has
// passed, not before, and what arrived before the stall is kept in the record.
BOOST_AUTO_TEST_CASE(a_stream_that_stalls_fails_as_a_timeout_when_its_timeout_passes_and_keeps_what_came) {
  const std::string body = ReadTestData("streams/vllm_chat.sse");
  // The first write: the role event and the first text event ("Hello"); then nothing.
  const std::size_t cut = body.find("\n\n", body.find("\n\n") + 2) + 2;
  ReplayServer server(body, [cut](const std::string& b) { return Sizes{cut, b.size()}; });
  server.StallAfterFirstWrite();
  const auto [r, wall] = OneRequestWith300msTimeout(server.url());
  BOOST_TEST(std::string(llmbench::load::ToString(r.error)) == "timeout", r.error_message);
  BOOST_TEST(r.error_message.find("timeout (300 ms)") != std::string::npos, r.error_message);
  BOOST_TEST(r.http_status == 200);
  BOOST_TEST(r.chunk_ns.size() == 1u);  // "Hello", stamped when it came
  BOOST_TEST(r.done_ns - r.start_ns >= 300'000'000);
  BOOST_TEST((wall < std::chrono::seconds(5)));  // not the server's 10 s hold
}

// A connection that cannot be made (here: a listener whose accept queue is full, so the
// kernel drops the SYN and the connect hangs) fails as a connect error within the timeout.
BOOST_AUTO_TEST_CASE(a_connection_that_cannot_be_made_in_time_is_a_connect_error) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  BOOST_TEST_REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  BOOST_TEST_REQUIRE(listen(listener, 0) == 0);  // room for one waiting connection
  BOOST_TEST_REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  BOOST_TEST_REQUIRE(connect(filler, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);  // fills it
  const auto [r, wall] =
      OneRequestWith300msTimeout("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/v1/chat/completions");
  close(filler);
  close(listener);
  BOOST_TEST(std::string(llmbench::load::ToString(r.error)) == "connect", r.error_message);
  BOOST_TEST(r.error_message.find("no connection within 300 ms") != std::string::npos, r.error_message);
  BOOST_TEST(r.done_ns - r.start_ns >= 300'000'000);
  BOOST_TEST((wall < std::chrono::seconds(5)));
}
