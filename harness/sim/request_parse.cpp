#include "sim/request_parse.hpp"

#include <nlohmann/json.hpp>

#include "base/hash.hpp"

namespace llmbench::sim {
namespace {

constexpr std::int64_t kDefaultOutputTokens = 16;
constexpr std::int64_t kMaxOutputTokens = 1'000'000;

std::int64_t IntOr(const nlohmann::json& j, const char* key, std::int64_t fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

}  // namespace

std::uint64_t HashMessage(std::uint64_t running, std::string_view role, std::string_view content) {
  std::uint64_t h = Fnv1a(role, running ^ 0x9E3779B97F4A7C15ULL);
  h = Fnv1a(std::string_view("\0", 1), h);
  return Fnv1a(content, h);
}

std::optional<ParsedRequest> ParseRequest(bool is_post, std::string_view target, std::string_view body,
                                          std::string& error, const SimTokenizer& tokenizer) {
  ParsedRequest r;
  if (target == "/v1/chat/completions")
    r.wire = Wire::Chat;
  else if (target == "/v1/completions")
    r.wire = Wire::Completions;
  else if (target == "/generate_stream")
    r.wire = Wire::Tgi;
  else if (target == "/generate")
    r.wire = Wire::TgiGenerate;
  else {
    error = "not found";
    return std::nullopt;
  }
  if (!is_post) {
    error = "use POST";
    return std::nullopt;
  }
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "body is not a JSON object";
    return std::nullopt;
  }
  if (r.wire == Wire::Tgi || r.wire == Wire::TgiGenerate) {
    const auto inputs = j.find("inputs");
    if (inputs == j.end() || !inputs->is_string()) {
      error = "missing string field 'inputs'";
      return std::nullopt;
    }
    r.input_tokens = tokenizer.Count(inputs->get_ref<const std::string&>(), true);
    const auto params = j.find("parameters");
    r.output_tokens = params != j.end() && params->is_object() ? IntOr(*params, "max_new_tokens", kDefaultOutputTokens)
                                                               : kDefaultOutputTokens;
    r.model = "llmbench-sim";
  } else {
    if (!j.value("stream", false)) {
      error = "llmbench-sim only streams: set \"stream\": true";
      return std::nullopt;
    }
    if (r.wire == Wire::Chat) {
      const auto messages = j.find("messages");
      if (messages == j.end() || !messages->is_array()) {
        error = "missing array field 'messages'";
        return std::nullopt;
      }
      r.input_tokens = tokenizer.CountChat(*messages);
      std::uint64_t h = 0;
      for (const auto& m : *messages) {
        const auto role = m.find("role");
        const auto content = m.find("content");
        h = HashMessage(h, role != m.end() && role->is_string() ? role->get_ref<const std::string&>() : "",
                        content != m.end() && content->is_string() ? content->get_ref<const std::string&>() : "");
        r.message_hashes.push_back(h);
      }
      r.output_tokens = IntOr(j, "max_completion_tokens", IntOr(j, "max_tokens", kDefaultOutputTokens));
    } else {
      const auto prompt = j.find("prompt");
      if (prompt == j.end() || !prompt->is_string()) {
        error = "missing string field 'prompt'";
        return std::nullopt;
      }
      r.input_tokens = tokenizer.Count(prompt->get_ref<const std::string&>(), true);
      r.output_tokens = IntOr(j, "max_tokens", kDefaultOutputTokens);
    }
    r.model = j.value("model", std::string("llmbench-sim"));
    const auto options = j.find("stream_options");
    r.include_usage = options != j.end() && options->is_object() && options->value("include_usage", false);
  }
  constexpr std::string_view kAsk = "Begin your reply with the code ";
  // The last one: a conversation's history carries its earlier turns' codes too.
  if (const auto at = body.rfind(kAsk); at != std::string_view::npos) {
    const auto start = at + kAsk.size();
    const auto end = body.find('.', start);
    if (end != std::string_view::npos && end - start <= 32) r.code = std::string(body.substr(start, end - start));
  }
  if (r.output_tokens < 1 || r.output_tokens > kMaxOutputTokens) {
    error = "max tokens must be between 1 and 1000000";
    return std::nullopt;
  }
  return r;
}

}  // namespace llmbench::sim
