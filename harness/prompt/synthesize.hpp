// Seeded, reproducible prompts of a target length in tokens, from the bundled corpus.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace llmbench::prompt {

struct Prompt {
  std::string text;
  std::int64_t input_tokens = 0;  ///< target input length (EstimateTokens(text) is within ±1)
  std::int64_t max_tokens = 0;    ///< requested output length
};

/// `count` prompts for a class: input and output lengths drawn from normal distributions
/// (mean, stddev; at least 1), text starting at a random word of the corpus (so prompts do not
/// share a prefix a server could cache) and running on through it. The same seed gives the
/// same prompts on every machine (std::mt19937_64 and our own normal draw are portable).
std::vector<Prompt> SynthesizePrompts(const scenario::PromptClass& cls, std::int64_t count, std::uint64_t seed);

}  // namespace llmbench::prompt
