// Engines' tokenizer endpoints: how to ask one how many tokens a prompt is, and how to read its
// answer. No sockets (pipeline/fit_lengths sends the calls).
//
//   api        prompt sent as text                        prompt sent as chat messages
//   llamacpp   POST /tokenize {"content", add_special}    POST /apply-template {"messages"} → {"prompt"},
//              → {"tokens": [...]}                        then /tokenize of that prompt
//   vllm       POST /tokenize {"model", "prompt",         POST /tokenize {"model", "messages",
//              add_special_tokens} → {"count", ...}       add_generation_prompt} → {"count", ...}
//   tgi        POST /tokenize {"inputs"}                  POST /chat_tokenize {"model", "messages"}
//              → [{"id", "text", ...}, ...]               → {"tokenize_response": [...], ...}
//
// Special tokens are counted (BOS, the template's markers) because the engine counts them too:
// the count is what the engine's usage.prompt_tokens will say for the same request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmbench::protocol {

enum class TokenizerApi { LlamaCpp, Vllm, Tgi };

/// "llamacpp", "vllm", "tgi" (what scenario files say); nullopt for anything else.
std::optional<TokenizerApi> ParseTokenizerApi(std::string_view name);
std::string_view ToString(TokenizerApi api);
const std::vector<std::string>& TokenizerApiNames();

/// One POST to make: a path under the tokenizer's base URL and a JSON body.
struct TokenizerCall {
  std::string path;
  std::string body;
};

/// The call that counts `text`. With `messages` (the protocol sends chat messages) it is the
/// template step for llama.cpp (answered with the templated prompt, see ReadTemplatedPrompt) and
/// the templated count for vLLM and TGI.
TokenizerCall CountCall(TokenizerApi api, std::string_view text, bool messages, const std::string& model);

/// llama.cpp with messages needs two calls: after CountCall's /apply-template answer, this one
/// counts the templated prompt.
bool NeedsTemplateStep(TokenizerApi api, bool messages);
TokenizerCall CountTemplatedCall(std::string_view templated_prompt);

/// The templated prompt of an /apply-template answer; nullopt (and `error`) when the body is not
/// {"prompt": "..."}.
std::optional<std::string> ReadTemplatedPrompt(std::string_view body, std::string& error);

/// The token count of a count call's answer; nullopt (and `error` saying what was wrong) for a
/// body that is not the API's answer. Never throws.
std::optional<std::int64_t> ReadTokenCount(TokenizerApi api, bool messages, std::string_view body, std::string& error);

}  // namespace llmbench::protocol
