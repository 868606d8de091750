#include "protocol/tokenizer.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace llmbench::protocol {
namespace {

using nlohmann::json;

json UserMessage(std::string_view text) {
  return json::array({json{{"role", "user"}, {"content", std::string(text)}}});
}

std::string Excerpt(std::string_view body) {
  constexpr std::size_t kMax = 120;
  return body.size() <= kMax ? std::string(body) : std::string(body.substr(0, kMax)) + "…";
}

// The length of a token list (any element type: ids, or TGI's {"id", "text", …} objects).
std::optional<std::int64_t> ListLength(const json& j, std::string_view what, std::string_view body,
                                       std::string& error) {
  if (!j.is_array()) {
    error = fmt::format("{} is not a list: {}", what, Excerpt(body));
    return std::nullopt;
  }
  return static_cast<std::int64_t>(j.size());
}

}  // namespace

std::optional<TokenizerApi> ParseTokenizerApi(std::string_view name) {
  if (name == "llamacpp") return TokenizerApi::LlamaCpp;
  if (name == "vllm") return TokenizerApi::Vllm;
  if (name == "tgi") return TokenizerApi::Tgi;
  return std::nullopt;
}

std::string_view ToString(TokenizerApi api) {
  switch (api) {
    case TokenizerApi::LlamaCpp:
      return "llamacpp";
    case TokenizerApi::Vllm:
      return "vllm";
    case TokenizerApi::Tgi:
      return "tgi";
  }
  return "?";
}

const std::vector<std::string>& TokenizerApiNames() {
  static const std::vector<std::string> names{"llamacpp", "vllm", "tgi"};
  return names;
}

TokenizerCall CountCall(TokenizerApi api, std::string_view text, bool messages, const std::string& model) {
  switch (api) {
    case TokenizerApi::LlamaCpp:
      if (messages) return {"/apply-template", json{{"messages", UserMessage(text)}}.dump()};
      return {"/tokenize", json{{"content", std::string(text)}, {"add_special", true}}.dump()};
    case TokenizerApi::Vllm:
      if (messages) {
        return {"/tokenize",
                json{{"model", model}, {"messages", UserMessage(text)}, {"add_generation_prompt", true}}.dump()};
      }
      return {"/tokenize", json{{"model", model}, {"prompt", std::string(text)}, {"add_special_tokens", true}}.dump()};
    case TokenizerApi::Tgi:
      if (messages) return {"/chat_tokenize", json{{"model", model}, {"messages", UserMessage(text)}}.dump()};
      return {"/tokenize", json{{"inputs", std::string(text)}}.dump()};
  }
  return {};
}

bool NeedsTemplateStep(TokenizerApi api, bool messages) { return api == TokenizerApi::LlamaCpp && messages; }

TokenizerCall CountTemplatedCall(std::string_view templated_prompt) {
  // The templated prompt carries the template's special-token text; llama.cpp's /tokenize parses
  // it as special tokens, as its chat endpoint does, and add_special adds BOS where the model has one.
  return {"/tokenize", json{{"content", std::string(templated_prompt)}, {"add_special", true}}.dump()};
}

std::optional<std::string> ReadTemplatedPrompt(std::string_view body, std::string& error) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    const auto it = j.find("prompt");
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  error = fmt::format("/apply-template answered without a string \"prompt\": {}", Excerpt(body));
  return std::nullopt;
}

std::optional<std::int64_t> ReadTokenCount(TokenizerApi api, bool messages, std::string_view body, std::string& error) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    error = fmt::format("the answer is not JSON: {}", Excerpt(body));
    return std::nullopt;
  }
  switch (api) {
    case TokenizerApi::LlamaCpp:
      if (j.is_object() && j.contains("tokens")) return ListLength(j["tokens"], "\"tokens\"", body, error);
      break;
    case TokenizerApi::Vllm:
      if (j.is_object()) {
        const auto count = j.find("count");
        if (count != j.end() && count->is_number_integer() && count->get<std::int64_t>() >= 0)
          return count->get<std::int64_t>();
        if (j.contains("tokens")) return ListLength(j["tokens"], "\"tokens\"", body, error);
      }
      break;
    case TokenizerApi::Tgi:
      if (messages && j.is_object() && j.contains("tokenize_response"))
        return ListLength(j["tokenize_response"], "\"tokenize_response\"", body, error);
      if (!messages && j.is_array()) return static_cast<std::int64_t>(j.size());
      break;
  }
  error = fmt::format("not a {} tokenizer answer{}: {}", ToString(api), messages ? " (chat)" : "", Excerpt(body));
  return std::nullopt;
}

}  // namespace llmbench::protocol
