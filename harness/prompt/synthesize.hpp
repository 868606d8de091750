// Seeded, reproducible prompts of a target length in tokens, from the bundled corpus, each with a
// unique preamble so that a server's prompt cache cannot answer one request with another's work.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace llmbench::prompt {

struct Prompt {
  std::string text;
  std::int64_t input_tokens = 0;  ///< target input length (EstimateTokens(text) is within ±1)
  std::int64_t max_tokens = 0;    ///< requested output length
  // Where the body is, so that a tokenizer fit can resize it (ResizeBody):
  std::size_t body_offset = 0;  ///< text before it: prefix and preamble (and the space after them)
  std::size_t body_start = 0;   ///< its first corpus word
  std::int64_t body_words = 0;
  std::string code;  ///< with_code: what the answer must begin with ("K17-3fa9"); unique per prompt of a call
};

/// Words of the instruction that asks for the code: "Begin your reply with the code K17-3fa9."
inline constexpr std::int64_t kCodeWords = 7;

/// Words of the unique preamble, e.g. "17th request of run 3fa9c2e1." (index 17, nonce 0x3fa9c2e1).
inline constexpr std::int64_t kPreambleWords = 5;

/// `count` prompts for a class. Each is, in order:
///  1. when cls.shared_prefix_tokens > 0, WordsForTokens(shared_prefix_tokens) words of a corpus
///     window that depends only on `seed`: the same for every prompt (prefix-cache benchmarks);
///  2. the preamble, unique to (nonce, index); its first word already differs between the prompts
///     of one call, so they share nothing beyond the deliberate prefix;
///  3. the body: corpus text from a random word on, running on through it.
/// Input and output lengths are drawn from normal distributions (mean, stddev; at least 1); the
/// whole text, prefix and preamble included, is within ±1 token of input_tokens under
/// EstimateTokens (only a target below the preamble's own length is exceeded: the preamble is
/// always kept). Lengths, prefix and bodies depend only on `seed`, so the same seed gives the same
/// work on every machine (std::mt19937_64 and our own normal draw are portable); the nonce changes
/// only the preambles. Choose it per run (random per process), so that a re-run of a scenario does
/// not hit the cache its previous run filled, and per call: two calls with the same seed and nonce
/// return identical prompts.
/// With `with_code` (the crossover check), the preamble is followed by an instruction to begin the
/// reply with the prompt's own code (kCodeWords words, taken from the body's share): an answer
/// that carries another prompt's code was mixed up between requests.
std::vector<Prompt> SynthesizePrompts(const scenario::PromptClass& cls, std::int64_t count, std::uint64_t seed,
                                      std::uint64_t nonce, bool with_code = false);

/// SynthesizePrompts one prompt at a time: the i-th Next() is the i-th prompt of that call.
class Synthesizer {
 public:
  Synthesizer(const scenario::PromptClass& cls, std::uint64_t seed, std::uint64_t nonce, bool with_code = false);
  Prompt Next();

 private:
  scenario::PromptClass cls_;
  std::uint64_t nonce_;
  bool with_code_;
  std::mt19937_64 rng_;
  std::size_t prefix_start_;
  std::int64_t prefix_words_;
  std::int64_t index_ = 0;
};

/// "17th request of run 3fa9c2e1." (kPreambleWords words), after a space when `out` is not empty.
/// The index comes first, so the prompts of one call differ from their first word on.
void AppendPreamble(std::int64_t index, std::uint64_t nonce, std::string& out);

/// The crossover check's code of prompt `index` ("K17-3fa9"), and the instruction that asks for it.
std::string CodeFor(std::int64_t index, std::uint64_t nonce);
void AppendCodeRequest(const std::string& code, std::string& out);

/// Makes the body `words` corpus words long (≥ 0), from the same first word on; prefix, preamble
/// and the targets stay. For exact lengths under an engine's tokenizer (pipeline/fit_lengths).
void ResizeBody(Prompt& p, std::int64_t words);

}  // namespace llmbench::prompt
