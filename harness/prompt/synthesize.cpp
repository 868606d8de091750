#include "prompt/synthesize.hpp"

#include <cmath>
#include <random>

#include "base/token_estimate.hpp"
#include "prompt/corpus.hpp"

namespace llmbench::prompt {
namespace {

// Box–Muller on mt19937_64 output: std::normal_distribution is implementation-defined, and
// prompts must be identical wherever the scenario runs (same seed → same baseline inputs).
double StandardNormal(std::mt19937_64& rng) {
  constexpr double kTwoPi = 6.283185307179586;
  const double u1 = (static_cast<double>(rng() >> 11) + 1.0) / 9007199254740993.0;
  const double u2 = static_cast<double>(rng() >> 11) / 9007199254740992.0;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

std::int64_t Draw(std::int64_t mean, std::int64_t stddev, std::mt19937_64& rng) {
  if (stddev == 0) return mean;
  const double v = static_cast<double>(mean) + static_cast<double>(stddev) * StandardNormal(rng);
  return std::max<std::int64_t>(1, std::llround(v));
}

}  // namespace

std::vector<Prompt> SynthesizePrompts(const scenario::PromptClass& cls, std::int64_t count, std::uint64_t seed) {
  const auto& words = CorpusWords();
  std::mt19937_64 rng(seed);
  std::vector<Prompt> prompts;
  prompts.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    Prompt p;
    p.input_tokens = Draw(cls.input_tokens, cls.input_stddev, rng);
    p.max_tokens = Draw(cls.output_tokens, cls.output_stddev, rng);
    const std::int64_t n = WordsForTokens(p.input_tokens);
    std::size_t w = static_cast<std::size_t>(rng() % words.size());
    p.text.reserve(static_cast<std::size_t>(n) * 7);
    for (std::int64_t k = 0; k < n; ++k, w = (w + 1) % words.size()) {
      if (k) p.text += ' ';
      p.text.append(words[w]);
    }
    prompts.push_back(std::move(p));
  }
  return prompts;
}

}  // namespace llmbench::prompt
