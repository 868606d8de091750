// Exact input lengths: resizes each synthesised prompt until the engine's own tokenizer counts
// the class's target, its chat template included, before the level's clock starts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "client/stream_client.hpp"
#include "load/load_generator.hpp"
#include "prompt/synthesize.hpp"
#include "protocol/tokenizer.hpp"

namespace llmbench::pipeline {

/// What one Fit did, for the console and results.json.
struct LengthFit {
  std::int64_t prompts = 0;
  std::int64_t exact = 0;      ///< within ±1 token of the target
  std::int64_t max_error = 0;  ///< largest |count − target|, tokens
  std::int64_t calls = 0;      ///< tokenizer requests made
  std::string problem;         ///< why the fit stopped ("" = it did not); prompts then stay estimated
};

/// A prompt whose target is below what its fixed part (prefix and preamble, template) already
/// counts cannot reach it; such prompts end at an empty body and count as off by what remains.
class LengthFitter {
 public:
  /// `base_url`: where the tokenizer's endpoints are (the engine's URL unless configured);
  /// `messages`: the protocol sends chat messages (count with the chat template).
  LengthFitter(protocol::TokenizerApi api, std::string base_url, std::vector<std::string> headers, std::string model,
               bool messages);

  /// Resizes the bodies of `prompts` in place. Remembers what fitted, per prompt (its index,
  /// target and first body word), so the next run of the same level (same prompts, other nonce)
  /// mostly needs one confirming call per prompt. Stops at the first failed call: the remaining
  /// prompts keep their estimated length and `problem` says why.
  LengthFit Fit(std::vector<prompt::Prompt>& prompts);

  std::string Describe() const;  ///< "vllm tokenizer at http://…"

 private:
  std::int64_t Count(const std::string& text, std::string& problem);

  protocol::TokenizerApi api_;
  std::string base_url_;
  std::vector<std::string> headers_;
  std::string model_;
  bool messages_;
  std::int64_t calls_ = 0;
  client::HttpSession session_;  ///< one connection for all calls
  /// (index, target, first body word) → body words that fitted.
  std::map<std::tuple<std::size_t, std::int64_t, std::size_t>, std::int64_t> fitted_words_;
};

}  // namespace llmbench::pipeline
