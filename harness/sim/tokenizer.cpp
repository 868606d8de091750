#include "sim/tokenizer.hpp"

#include <nlohmann/json.hpp>

#include "base/token_estimate.hpp"

namespace llmbench::sim {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxModelLen = 32768;

// Chat content is a string or a list of parts {"type":"text","text":...}.
std::string Content(const json& message) {
  const auto content = message.find("content");
  if (content == message.end()) return {};
  if (content->is_string()) return content->get<std::string>();
  std::string out;
  if (content->is_array()) {
    for (const auto& part : *content) {
      if (part.is_object() && part.contains("text") && part["text"].is_string()) out += part["text"].get<std::string>();
    }
  }
  return out;
}

json Ids(std::int64_t n) {
  json ids = json::array();
  for (std::int64_t k = 0; k < n; ++k) ids.push_back(100 + k);
  return ids;
}

bool Flag(const json& j, const char* key, bool fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string Error(int& status, std::string_view message) {
  status = 400;
  return json{{"error", {{"message", std::string(message)}, {"type", "invalid_request_error"}}}}.dump();
}

}  // namespace

std::int64_t SimTokenizer::Count(std::string_view text, bool bos) const {
  if (!subword_) return EstimateTokens(text);
  std::int64_t tokens = bos ? 1 : 0;
  std::size_t word = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const bool space = i == text.size() || text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r';
    if (!space) {
      ++word;
    } else if (word > 0) {
      tokens += static_cast<std::int64_t>((word + 3) / 4);
      word = 0;
    }
  }
  return tokens;
}

std::string SimTokenizer::Template(const json& messages) const {
  std::string out;
  if (!messages.is_array()) return out;
  for (const auto& m : messages) {
    if (!m.is_object()) continue;
    if (!subword_) {
      if (!out.empty()) out += ' ';
      out += Content(m);
      continue;
    }
    const std::string role = m.contains("role") && m["role"].is_string() ? m["role"].get<std::string>() : "user";
    out += "<|" + role + "|>\n" + Content(m) + "\n";
  }
  if (subword_) out += "<|assistant|>\n";
  return out;
}

std::int64_t SimTokenizer::CountChat(const json& messages) const {
  if (!subword_) {  // llmbench's estimate per message, as before there was a template
    std::int64_t tokens = 0;
    if (messages.is_array()) {
      for (const auto& m : messages) {
        if (m.is_object()) tokens += EstimateTokens(Content(m));
      }
    }
    return tokens;
  }
  return Count(Template(messages), true);
}

std::optional<std::string> SimTokenizer::Serve(std::string_view path, std::string_view body, int& status) const {
  if (path != "/tokenize" && path != "/apply-template" && path != "/chat_tokenize") return std::nullopt;
  status = 200;
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error(status, "body is not a JSON object");
  const auto messages = j.find("messages");
  const bool has_messages = messages != j.end() && messages->is_array();
  if (path == "/apply-template") {  // llama.cpp
    if (!has_messages) return Error(status, "missing array field 'messages'");
    return json{{"prompt", Template(*messages)}}.dump();
  }
  if (path == "/chat_tokenize") {  // TGI
    if (!has_messages) return Error(status, "missing array field 'messages'");
    json tokens = json::array();
    for (std::int64_t k = 0, n = CountChat(*messages); k < n; ++k)
      tokens.push_back({{"id", 100 + k}, {"text", ""}, {"start", 0}, {"stop", 0}});
    return json{{"tokenize_response", tokens}, {"templated_text", Template(*messages)}}.dump();
  }
  if (const auto content = j.find("content"); content != j.end()) {  // llama.cpp
    if (!content->is_string()) return Error(status, "'content' must be a string");
    const bool bos = Flag(j, "add_special", false);
    return json{{"tokens", Ids(Count(content->get_ref<const std::string&>(), bos))}}.dump();
  }
  if (const auto inputs = j.find("inputs"); inputs != j.end()) {  // TGI
    if (!inputs->is_string()) return Error(status, "'inputs' must be a string");
    json tokens = json::array();
    for (std::int64_t k = 0, n = Count(inputs->get_ref<const std::string&>(), true); k < n; ++k)
      tokens.push_back({{"id", 100 + k}, {"text", ""}, {"start", 0}, {"stop", 0}});
    return tokens.dump();
  }
  std::int64_t n = 0;  // vLLM: a prompt, or messages with the template
  if (const auto prompt = j.find("prompt"); prompt != j.end() && prompt->is_string()) {
    n = Count(prompt->get_ref<const std::string&>(), Flag(j, "add_special_tokens", true));
  } else if (has_messages) {
    n = CountChat(*messages);
  } else {
    return Error(status, "give 'content' (llama.cpp), 'prompt' or 'messages' (vLLM), or 'inputs' (TGI)");
  }
  return json{{"count", n}, {"max_model_len", kMaxModelLen}, {"tokens", Ids(n)}}.dump();
}

}  // namespace llmbench::sim
