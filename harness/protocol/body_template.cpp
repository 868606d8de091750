#include "protocol/body_template.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "protocol/json_scan.hpp"

namespace llmbench::protocol {
namespace {

// What the holes are made of: a prompt and a budget no real request sends.
constexpr std::string_view kPromptMark = "\"llmbench-prompt-hole-5f0c2b\"";
constexpr std::int64_t kMaxTokensMark = 987'654'320'123;

}  // namespace

// nlohmann's own serializer (the one BuildRequest's dump uses) on one reused string value, writing
// into one reused buffer: no allocation once both have grown. It lives in nlohmann::detail; Make's
// check against BuildRequest would catch a release that wrote strings otherwise.
struct BodyTemplate::Escaper {
  nlohmann::json value = std::string();
  std::string buffer;
  nlohmann::detail::serializer<nlohmann::json> serializer{nlohmann::detail::output_adapter<char>(buffer), ' '};

  // The JSON string for `s`, quotes included.
  const std::string& Quote(const std::string& s) {
    value.get_ref<std::string&>().assign(s);
    buffer.clear();
    serializer.dump(value, false, false, 0);
    return buffer;
  }
};

BodyTemplate::BodyTemplate() : escaper_(std::make_unique<Escaper>()) {}
BodyTemplate::~BodyTemplate() = default;

std::unique_ptr<BodyTemplate> BodyTemplate::Make(const Protocol& protocol, const GenerationRequest& like) {
  if (!like.history.empty()) return nullptr;
  try {
    return Cut(protocol, like);
  } catch (const std::exception&) {
    return nullptr;  // BuildRequest throws on this target's requests: each request will say why
  }
}

std::unique_ptr<BodyTemplate> BodyTemplate::Cut(const Protocol& protocol, const GenerationRequest& like) {
  GenerationRequest marked = like;
  marked.prompt = std::string(kPromptMark.substr(1, kPromptMark.size() - 2));
  marked.max_tokens = kMaxTokensMark;
  const std::string body = protocol.BuildRequest(marked).body;
  const std::string budget_mark = std::to_string(kMaxTokensMark);
  std::unique_ptr<BodyTemplate> t(new BodyTemplate());
  for (std::size_t at = 0;;) {
    const std::size_t p = body.find(kPromptMark, at);
    const std::size_t m = body.find(budget_mark, at);
    const std::size_t next = std::min(p, m);
    if (next == std::string::npos) {
      t->pieces_.push_back({body.substr(at), Hole::None});
      break;
    }
    const bool prompt = next == p;
    t->pieces_.push_back({body.substr(at, next - at), prompt ? Hole::Prompt : Hole::MaxTokens});
    at = next + (prompt ? kPromptMark.size() : budget_mark.size());
  }
  // Kept only if it gives what BuildRequest gives, on prompts that need every kind of escape.
  std::string filled;
  for (const auto& [prompt, budget] : std::initializer_list<std::pair<const char*, std::int64_t>>{
           {"", 1}, {"Hello", 16}, {"a\"b\\c/d\n\r\t\b\f\x01\x1f\x7f w\xc3\xb6rld \xf0\x9f\x98\x80 </s>", 4096}}) {
    GenerationRequest r = like;
    r.prompt = prompt;
    r.max_tokens = budget;
    t->Fill(r.prompt, budget, filled);
    if (filled != protocol.BuildRequest(r).body) return nullptr;
  }
  return t;
}

void BodyTemplate::Fill(const std::string& prompt, std::int64_t max_tokens, std::string& out) {
  out.clear();
  for (const Piece& piece : pieces_) {
    out += piece.text;
    if (piece.then == Hole::Prompt) {
      if (IsPlainJsonString(prompt)) {  // what nlohmann writes for it, without its byte-by-byte walk
        out += '"';
        out += prompt;
        out += '"';
      } else {
        out += escaper_->Quote(prompt);
      }
    } else if (piece.then == Hole::MaxTokens) {
      fmt::format_to(std::back_inserter(out), "{}", max_tokens);
    }
  }
}

}  // namespace llmbench::protocol
