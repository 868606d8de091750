// The simulator's pure parts: timing model, fault draws, request parsing, stream encoding
// (decoded back by the harness's own decoders, so the two agree on the wire format).
#include <boost/test/unit_test.hpp>

#include <map>

#include <nlohmann/json.hpp>

#include "protocol/protocol.hpp"
#include "sim/batching_model.hpp"
#include "sim/faults.hpp"
#include "sim/request_parse.hpp"
#include "sim/stream_encoder.hpp"

using namespace llmbench;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(timing_model_without_jitter_is_exact) {
  scenario::SimSettings s;
  s.prefill_base = 10ms;
  s.prefill_per_token = 20us;
  s.decode_step = 5ms;
  s.decode_per_seq = 100us;
  s.tokens_per_chunk = 3;
  const sim::BatchingModel model(s);
  std::mt19937_64 rng(1);
  BOOST_TEST(model.PrefillTime(1000, 0ns, rng).count() == Nanoseconds(30ms).count());
  BOOST_TEST(model.StepTime(1, 0ns, rng).count() == Nanoseconds(5ms).count());
  BOOST_TEST(model.StepTime(11, 0ns, rng).count() == Nanoseconds(6ms).count());  // 5 ms + 10 × 100 µs
  BOOST_TEST(model.Chunks(10) == 4);                                             // 3 + 3 + 3 + 1
}

BOOST_AUTO_TEST_CASE(jitter_is_bounded_and_centred) {
  scenario::SimSettings s;
  s.decode_step = 10ms;
  s.decode_per_seq = 0ns;
  s.jitter = 0.3;
  const sim::BatchingModel model(s);
  std::mt19937_64 rng(7);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const auto step = model.StepTime(1, 0ns, rng).count();
    BOOST_TEST_REQUIRE(step >= 5'000'000);
    BOOST_TEST_REQUIRE(step <= 15'000'000);
    sum += static_cast<double>(step);
  }
  BOOST_TEST(sum / 10000 == 10e6, boost::test_tools::tolerance(0.02));
}

BOOST_AUTO_TEST_CASE(fault_draws_follow_the_rates) {
  scenario::SimFaults f;
  f.http_500 = 0.1;
  f.http_429 = 0.2;
  f.disconnect = 0.05;
  std::mt19937_64 rng(3);
  std::map<sim::Fault, int> counts;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) ++counts[sim::PickFault(f, rng)];
  BOOST_TEST(counts[sim::Fault::Http500] / double(kDraws) == 0.1, boost::test_tools::tolerance(0.05));
  BOOST_TEST(counts[sim::Fault::Http429] / double(kDraws) == 0.2, boost::test_tools::tolerance(0.05));
  BOOST_TEST(counts[sim::Fault::Disconnect] / double(kDraws) == 0.05, boost::test_tools::tolerance(0.05));
  BOOST_TEST(counts[sim::Fault::Malformed] == 0);
  BOOST_TEST(counts[sim::Fault::None] / double(kDraws) == 0.65, boost::test_tools::tolerance(0.02));
}

BOOST_AUTO_TEST_CASE(requests_of_each_wire_parse) {
  std::string error;
  auto chat = sim::ParseRequest(true, "/v1/chat/completions",
                                R"({"model":"m","stream":true,"max_tokens":7,"stream_options":{"include_usage":true},
                                    "messages":[{"role":"user","content":"one two three"}]})",
                                error);
  BOOST_TEST_REQUIRE(chat.has_value(), error);
  BOOST_TEST(chat->output_tokens == 7);
  BOOST_TEST(chat->input_tokens == 4);  // 3 words × 4/3
  BOOST_TEST(chat->include_usage);
  auto tgi =
      sim::ParseRequest(true, "/generate_stream", R"({"inputs":"a b c","parameters":{"max_new_tokens":5}})", error);
  BOOST_TEST_REQUIRE(tgi.has_value(), error);
  BOOST_TEST((tgi->wire == sim::Wire::Tgi));
  BOOST_TEST(tgi->output_tokens == 5);
  BOOST_TEST(!sim::ParseRequest(true, "/v1/embeddings", "{}", error).has_value());
  BOOST_TEST(error == "not found");
  BOOST_TEST(!sim::ParseRequest(true, "/v1/completions", R"({"prompt":"x"})", error).has_value());
  BOOST_TEST(error.find("only streams") != std::string::npos);
  BOOST_TEST(!sim::ParseRequest(true, "/v1/chat/completions", "not json", error).has_value());
  BOOST_TEST(!sim::ParseRequest(true, "/v1/chat/completions", R"({"stream":true,"max_tokens":0,"messages":[]})", error)
                  .has_value());
}

BOOST_AUTO_TEST_CASE(encoded_streams_decode_with_the_harness_decoders) {
  const std::pair<sim::Wire, std::string_view> wires[] = {{sim::Wire::Chat, protocol::kOpenAiChat},
                                                          {sim::Wire::Completions, protocol::kOpenAiCompletions},
                                                          {sim::Wire::Tgi, protocol::kTgi}};
  for (const auto& [wire, name] : wires) {
    sim::StreamEncoder encoder(wire, "m", "id-1", true);
    std::string out;
    encoder.Start(out);
    encoder.Text(" a b", out);
    encoder.Text(" c", out);
    encoder.Finish(12, 3, {1000, 2000, 3000, 6000}, out);
    auto decoder = protocol::MakeProtocol(name);
    protocol::StreamTally tally;
    protocol::SseParser parser;
    parser.Feed(out, [&](const protocol::SseEvent& e) { decoder->Decode(e, tally); });
    BOOST_TEST(tally.text_chunks == 2, name);
    BOOST_TEST(tally.text_bytes == 6, name);
    BOOST_TEST(tally.completion_tokens == 3, name);
    BOOST_TEST(tally.prompt_tokens == 12, name);
    BOOST_TEST(tally.done, name);
    BOOST_TEST(tally.malformed_events == 0, name);
    if (wire != sim::Wire::Tgi) BOOST_TEST(tally.timings.total_ns == 6000, name);
  }
}

BOOST_AUTO_TEST_CASE(subword_tokenizer_counts_like_a_model_and_serves_every_api) {
  const sim::SimTokenizer estimate("estimate"), subword("subword");
  BOOST_TEST(estimate.Count("one two six", true) == 4);  // llmbench's own estimate, no BOS
  BOOST_TEST(subword.Count("one two six", false) == 3);
  BOOST_TEST(subword.Count("one two six", true) == 4);
  BOOST_TEST(subword.Count("extraordinary a\n\tbb  ", false) == 4 + 1 + 1);  // ⌈13/4⌉ + 1 + 1
  BOOST_TEST(subword.Count("", true) == 1);
  const auto messages = nlohmann::json::parse(R"([{"role":"user","content":"one two six"}])");
  BOOST_TEST(subword.Template(messages) == "<|user|>\none two six\n<|assistant|>\n");
  BOOST_TEST(subword.CountChat(messages) == 1 + 2 + 3 + 4);  // BOS, <|user|>, words, <|assistant|>
  BOOST_TEST(estimate.CountChat(messages) == 4);

  std::string error;
  auto chat = sim::ParseRequest(
      true, "/v1/chat/completions",
      R"({"stream":true,"max_tokens":3,"messages":[{"role":"user","content":"one two six"}]})", error, subword);
  BOOST_TEST_REQUIRE(chat.has_value(), error);
  BOOST_TEST(chat->input_tokens == 10);
  auto completion = sim::ParseRequest(true, "/v1/completions",
                                      R"({"stream":true,"max_tokens":3,"prompt":"one two six"})", error, subword);
  BOOST_TEST_REQUIRE(completion.has_value(), error);
  BOOST_TEST(completion->input_tokens == 4);

  // Every tokenizer API counts what the request will count.
  int status = 0;
  const auto count = [&](std::string_view path, std::string_view body) {
    const auto answer = subword.Serve(path, body, status);
    BOOST_TEST_REQUIRE(answer.has_value());
    return nlohmann::json::parse(*answer);
  };
  auto j = count("/tokenize", R"({"content":"one two six","add_special":true})");
  BOOST_TEST(status == 200);
  BOOST_TEST(j["tokens"].size() == 4u);
  BOOST_TEST(count("/tokenize", R"({"content":"one two six"})")["tokens"].size() ==
             3u);  // llama.cpp: no BOS by default
  j = count("/apply-template", R"({"messages":[{"role":"user","content":"one two six"}]})");
  const std::string templated = j["prompt"];
  BOOST_TEST(
      count("/tokenize", nlohmann::json{{"content", templated}, {"add_special", true}}.dump())["tokens"].size() == 10u);
  BOOST_TEST(count("/tokenize", R"({"model":"m","prompt":"one two six"})")["count"] == 4);
  BOOST_TEST(count("/tokenize", R"({"model":"m","messages":[{"role":"user","content":"one two six"}]})")["count"] ==
             10);
  BOOST_TEST(count("/tokenize", R"({"inputs":"one two six"})").size() == 4u);
  BOOST_TEST(count("/chat_tokenize", R"({"messages":[{"role":"user","content":"one two six"}]})")["tokenize_response"]
                 .size() == 10u);
  for (const std::string_view bad : {"", "[]", R"({"content":5})", R"({"nothing":1})", R"({"inputs":null})"}) {
    const auto answer = subword.Serve("/tokenize", bad, status);
    BOOST_TEST_REQUIRE(answer.has_value());
    BOOST_TEST(status == 400, bad);
    BOOST_TEST(nlohmann::json::parse(*answer).contains("error"));
  }
  BOOST_TEST(!subword.Serve("/v1/chat/completions", "{}", status).has_value());  // not a tokenizer path
  BOOST_TEST(subword.Serve("/apply-template", R"({"messages":"x"})", status).has_value());
  BOOST_TEST(status == 400);
}

BOOST_AUTO_TEST_CASE(a_prompt_that_asks_for_a_code_gets_it_parsed) {
  std::string error;
  auto r = sim::ParseRequest(true, "/v1/chat/completions",
                             R"({"stream":true,"max_tokens":3,"messages":[{"role":"user","content":"1st request of run ab. Begin your reply with the code K1-00ab. the of"}]})",
                             error);
  BOOST_TEST_REQUIRE(r.has_value(), error);
  BOOST_TEST(r->code == "K1-00ab");
  r = sim::ParseRequest(true, "/v1/completions", R"({"stream":true,"max_tokens":3,"prompt":"no code here"})", error);
  BOOST_TEST_REQUIRE(r.has_value(), error);
  BOOST_TEST(r->code.empty());
}
