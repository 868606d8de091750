// Tokenizer endpoints as each engine documents them, and answers that are not what they should be.
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "protocol/tokenizer.hpp"

namespace p = llmbench::protocol;
using nlohmann::json;

namespace {
std::int64_t N(const std::optional<std::int64_t>& n) { return n.value_or(-1); }
}  // namespace

BOOST_AUTO_TEST_CASE(api_names_round_trip_and_unknown_ones_are_refused) {
  for (const auto& name : p::TokenizerApiNames()) {
    const auto api = p::ParseTokenizerApi(name);
    BOOST_TEST_REQUIRE(api.has_value());
    BOOST_TEST(p::ToString(*api) == name);
  }
  BOOST_TEST(!p::ParseTokenizerApi("llama.cpp").has_value());
  BOOST_TEST(!p::ParseTokenizerApi("").has_value());
  BOOST_TEST(!p::ParseTokenizerApi("VLLM").has_value());
}

BOOST_AUTO_TEST_CASE(calls_carry_the_text_exactly_and_count_special_tokens) {
  const std::string text = "a \"quoted\" line\nand ünïcode \\ backslash";
  auto call = p::CountCall(p::TokenizerApi::LlamaCpp, text, false, "m");
  BOOST_TEST(call.path == "/tokenize");
  json j = json::parse(call.body);
  BOOST_TEST(j["content"] == text);
  BOOST_TEST(j["add_special"] == true);  // the server adds BOS to a /completion prompt too

  call = p::CountCall(p::TokenizerApi::LlamaCpp, text, true, "m");
  BOOST_TEST(call.path == "/apply-template");
  j = json::parse(call.body);
  BOOST_TEST(j["messages"][0]["role"] == "user");
  BOOST_TEST(j["messages"][0]["content"] == text);
  BOOST_TEST(p::NeedsTemplateStep(p::TokenizerApi::LlamaCpp, true));
  BOOST_TEST(!p::NeedsTemplateStep(p::TokenizerApi::LlamaCpp, false));
  BOOST_TEST(!p::NeedsTemplateStep(p::TokenizerApi::Vllm, true));
  call = p::CountTemplatedCall("<|user|>\nx\n<|assistant|>\n");
  BOOST_TEST(call.path == "/tokenize");
  BOOST_TEST(json::parse(call.body)["content"] == "<|user|>\nx\n<|assistant|>\n");

  call = p::CountCall(p::TokenizerApi::Vllm, text, false, "served-name");
  BOOST_TEST(call.path == "/tokenize");
  j = json::parse(call.body);
  BOOST_TEST(j["model"] == "served-name");
  BOOST_TEST(j["prompt"] == text);
  BOOST_TEST(j["add_special_tokens"] == true);
  call = p::CountCall(p::TokenizerApi::Vllm, text, true, "served-name");
  j = json::parse(call.body);
  BOOST_TEST(j["messages"][0]["content"] == text);
  BOOST_TEST(j["add_generation_prompt"] == true);  // the assistant header the chat request gets
  BOOST_TEST(!j.contains("prompt"));

  call = p::CountCall(p::TokenizerApi::Tgi, text, false, "tgi");
  BOOST_TEST(call.path == "/tokenize");
  BOOST_TEST(json::parse(call.body)["inputs"] == text);
  call = p::CountCall(p::TokenizerApi::Tgi, text, true, "tgi");
  BOOST_TEST(call.path == "/chat_tokenize");
  BOOST_TEST(json::parse(call.body)["messages"][0]["content"] == text);
}

BOOST_AUTO_TEST_CASE(counts_from_each_engines_answer) {
  std::string error;
  BOOST_TEST(N(p::ReadTokenCount(p::TokenizerApi::LlamaCpp, false, R"({"tokens":[1,15043,3186]})", error)) == 3);
  // with_pieces answers are objects per token: still one per token.
  BOOST_TEST(N(p::ReadTokenCount(p::TokenizerApi::LlamaCpp, false,
                                 R"({"tokens":[{"id":1,"piece":"<s>"},{"id":15043,"piece":" Hello"}]})", error)) == 2);
  BOOST_TEST(N(p::ReadTokenCount(p::TokenizerApi::Vllm, false,
                                 R"({"count":5,"max_model_len":8192,"tokens":[1,2,3,4,5]})", error)) == 5);
  BOOST_TEST(N(p::ReadTokenCount(p::TokenizerApi::Vllm, true, R"({"tokens":[7,8]})", error)) ==
             2);  // no count: the list
  BOOST_TEST(N(p::ReadTokenCount(
                 p::TokenizerApi::Tgi, false,
                 R"([{"id":1,"text":"<s>","start":0,"stop":0},{"id":2,"text":"hi","start":0,"stop":2}])", error)) == 2);
  BOOST_TEST(
      N(p::ReadTokenCount(p::TokenizerApi::Tgi, true,
                          R"({"tokenize_response":[{"id":1,"text":"<s>","start":0,"stop":0}],"templated_text":"x"})",
                          error)) == 1);
  BOOST_TEST(N(p::ReadTokenCount(p::TokenizerApi::Vllm, false, R"({"count":0,"tokens":[]})", error)) == 0);
  const auto templated = p::ReadTemplatedPrompt(R"({"prompt":"<|user|>\nhi\n"})", error);
  BOOST_TEST_REQUIRE(templated.has_value());
  BOOST_TEST(*templated == "<|user|>\nhi\n");
}

BOOST_AUTO_TEST_CASE(wrong_answers_are_errors_that_say_what_came_back) {
  const std::string_view hostile[] = {
      "",
      "not json",
      "<html>404 Not Found</html>",
      "null",
      "[]",  // a TGI answer where llama.cpp's object was expected
      R"({"tokens":"1,2,3"})",
      R"({"tokens":null})",
      R"({"count":-3})",
      R"({"count":2.5})",
      R"({"count":"5"})",
      R"({"error":{"code":400,"message":"model 'x' not found","type":"invalid_request_error"}})",
      R"({"tokens":[1,2)",
      "\xff\xfe{\"tokens\":[1]}",
  };
  for (const auto api : {p::TokenizerApi::LlamaCpp, p::TokenizerApi::Vllm, p::TokenizerApi::Tgi}) {
    for (const bool messages : {false, true}) {
      for (const auto body : hostile) {
        if (api == p::TokenizerApi::Tgi && !messages && body == "[]") continue;  // an empty TGI token list: 0
        std::string error;
        const auto n = p::ReadTokenCount(api, messages, body, error);
        BOOST_TEST(!n.has_value(), p::ToString(api) << " " << messages << " " << body);
        BOOST_TEST(!error.empty());
      }
    }
  }
  std::string error;
  BOOST_TEST(
      !p::ReadTokenCount(p::TokenizerApi::Tgi, true, R"([{"id":1}])", error).has_value());  // chat wants the object
  BOOST_TEST(error.find("tgi") != std::string::npos, error);
  const std::string long_body = "{\"error\":\"" + std::string(5000, 'x') + "\"}";
  BOOST_TEST(!p::ReadTokenCount(p::TokenizerApi::Vllm, false, long_body, error).has_value());
  BOOST_TEST(error.size() < 300, error.size());  // an excerpt, not the whole body
  BOOST_TEST(!p::ReadTemplatedPrompt(R"({"prompt":42})", error).has_value());
  BOOST_TEST(error.find("apply-template") != std::string::npos, error);
  BOOST_TEST(!p::ReadTemplatedPrompt("oops", error).has_value());
}
