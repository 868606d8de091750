// The tokenizer-free length model shared by the prompt synthesiser and the simulator.
#pragma once

#include <cstdint>
#include <string_view>

namespace llmbench {

/// Tokens a BPE tokenizer would produce for English prose, estimated as 4/3 per
/// whitespace-separated word (OpenAI's rule of thumb: 100 tokens ≈ 75 words). Both the prompt
/// synthesiser (to hit a target input length) and the simulator (to report prompt_tokens) use
/// this one function, so the simulator's usage agrees with what was asked for.
std::int64_t EstimateTokens(std::string_view text) noexcept;

/// Words needed for `tokens` tokens under the same model (inverse of EstimateTokens).
std::int64_t WordsForTokens(std::int64_t tokens) noexcept;

}  // namespace llmbench
