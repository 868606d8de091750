// The simulator's tokenizer: how it counts prompt tokens (for usage and for prefill time), and
// its tokenizer endpoints in the shapes of llama.cpp, vLLM and TGI (protocol/tokenizer.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace llmbench::sim {

/// "estimate": llmbench's own 4/3 tokens per word, no BOS, no template (synthesised prompts are
/// then exact). "subword": BOS + ⌈bytes/4⌉ per whitespace-separated word, chat messages wrapped
/// in "<|user|>\n…\n<|assistant|>\n" (what a model's tokenizer and template do: the estimate
/// misses it, as it misses real ones).
class SimTokenizer {
 public:
  explicit SimTokenizer(std::string_view kind) : subword_(kind == "subword") {}

  /// Tokens of `text`; `bos` adds the beginning-of-sequence token (subword only).
  std::int64_t Count(std::string_view text, bool bos) const;
  /// The chat template applied to messages ([{"role", "content": string or [{"text"}]}]).
  std::string Template(const nlohmann::json& messages) const;
  /// What a chat request's prompt counts: the templated messages with BOS.
  std::int64_t CountChat(const nlohmann::json& messages) const;

  /// Answers POST /tokenize, /apply-template and /chat_tokenize; nullopt for other paths. On a
  /// bad body, `status` becomes 400 and the answer is an error object.
  std::optional<std::string> Serve(std::string_view path, std::string_view body, int& status) const;

 private:
  bool subword_;
};

}  // namespace llmbench::sim
