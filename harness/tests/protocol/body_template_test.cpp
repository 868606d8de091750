// Request bodies filled into a template must be BuildRequest's, byte for byte, in every protocol.
#include <boost/test/unit_test.hpp>

#include <random>
#include <stdexcept>
#include <string>

#include "protocol/body_template.hpp"
#include "protocol/protocol.hpp"

using namespace llmbench::protocol;

namespace {

// A prompt of `length` characters drawn from text, JSON's specials, control bytes and
// multi-byte UTF-8.
std::string RandomPrompt(std::mt19937& rng, std::size_t length) {
  static const char* const kPieces[] = {
      "a",  "Z",  " ",  "7",    "\"",   "\\",   "/",        "\n",           "\r",
      "\t", "\b", "\f", "\x01", "\x1f", "\x7f", "\xc3\xb6", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
      "{",  "}",  "[",  "]",    ":",    ",",    "</s>",     "\"prompt\":"};
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kPieces) - 1);
  std::string out;
  while (out.size() < length) out += kPieces[pick(rng)];
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(filled_bodies_are_build_requests_bodies_in_every_protocol) {
  std::mt19937 rng(7);
  std::vector<GenerationRequest> likes(5);
  likes[0].model = "m";
  likes[1].model = "meta-llama/Llama-3.1-8B-Instruct";
  likes[1].force_length = true;
  likes[2].model = "qwen";
  likes[2].temperature = 0.0;
  likes[2].top_p = 0.9;
  likes[2].top_k = 40;
  likes[2].seed = 1234;
  likes[3].model = "m";
  likes[3].extra_body_json = R"({"stream_options":null,"n":1,"chat_template_kwargs":{"enable_thinking":false}})";
  likes[4].model = "m";
  likes[4].force_length = true;
  likes[4].extra_body_json = R"({"max_tokens":100})";  // the budget overridden: no budget hole
  for (const std::string& name : ProtocolNames()) {
    const auto protocol = MakeProtocol(name);
    for (std::size_t l = 0; l < likes.size(); ++l) {
      const auto body = BodyTemplate::Make(*protocol, likes[l]);
      BOOST_TEST_REQUIRE(body != nullptr, name << ", request " << l << ": no template");
      std::string filled;
      for (int i = 0; i < 200; ++i) {
        GenerationRequest r = likes[l];
        r.prompt = RandomPrompt(rng, static_cast<std::size_t>(i * 7 % 300));
        r.max_tokens = 1 + i * 37;
        body->Fill(r.prompt, r.max_tokens, filled);
        BOOST_TEST_REQUIRE(filled == protocol->BuildRequest(r).body, name << ", request " << l << ", prompt " << i);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(no_template_where_the_body_is_more_than_prompt_and_budget) {
  const auto chat = MakeProtocol(kOpenAiChat);
  GenerationRequest conversation{.model = "m"};
  conversation.history.push_back({"hi", "hello"});
  BOOST_TEST(BodyTemplate::Make(*chat, conversation) == nullptr);  // each turn's history differs
  GenerationRequest broken{.model = "m", .extra_body_json = "{not json"};
  BOOST_TEST(BodyTemplate::Make(*chat, broken) == nullptr);  // BuildRequest throws: each request says why
}

BOOST_AUTO_TEST_CASE(a_prompt_that_is_not_utf8_fails_as_build_request_does) {
  const auto chat = MakeProtocol(kOpenAiChat);
  const GenerationRequest like{.model = "m"};
  const auto body = BodyTemplate::Make(*chat, like);
  BOOST_TEST_REQUIRE(body != nullptr);
  GenerationRequest r = like;
  r.prompt = "caf\xe9";  // Latin-1
  std::string filled;
  BOOST_CHECK_THROW(body->Fill(r.prompt, 8, filled), std::exception);
  BOOST_CHECK_THROW(chat->BuildRequest(r), std::exception);
}
