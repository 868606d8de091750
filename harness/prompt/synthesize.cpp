#include "prompt/synthesize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
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

// `n` corpus words from word `w` on, wrapping around, each preceded by a space unless `out` is empty.
void AppendWords(std::size_t w, std::int64_t n, std::string& out) {
  const auto& words = CorpusWords();
  for (std::int64_t k = 0; k < n; ++k, w = (w + 1) % words.size()) {
    if (!out.empty()) out += ' ';
    out.append(words[w]);
  }
}

}  // namespace

void AppendPreamble(std::int64_t index, std::uint64_t nonce, std::string& out) {
  if (!out.empty()) out += ' ';
  out += std::to_string(index);
  const std::int64_t tens = index % 100, units = index % 10;
  out += tens >= 11 && tens <= 13 ? "th" : units == 1 ? "st" : units == 2 ? "nd" : units == 3 ? "rd" : "th";
  out += " request of run ";
  char hex[16];
  const auto end = std::to_chars(hex, hex + sizeof hex, nonce, 16).ptr;
  out.append(hex, end);
  out += '.';
}

std::string CodeFor(std::int64_t index, std::uint64_t nonce) {
  return fmt::format("K{}-{:04x}", index, static_cast<unsigned>((nonce ^ (nonce >> 16)) & 0xffffu));
}

void AppendCodeRequest(const std::string& code, std::string& out) {
  out += " Begin your reply with the code " + code + ".";
}

Synthesizer::Synthesizer(const scenario::PromptClass& cls, std::uint64_t seed, std::uint64_t nonce, bool with_code)
    : cls_(cls),
      nonce_(nonce),
      with_code_(with_code),
      rng_(seed),
      // The shared prefix's window comes from its own generator, so the per-prompt draws (lengths,
      // body offsets) are the same with and without a prefix.
      prefix_start_(static_cast<std::size_t>(std::mt19937_64(seed ^ 0x5eedf1c5u)() % CorpusWords().size())),
      prefix_words_(WordsForTokens(cls.shared_prefix_tokens)) {}

Prompt Synthesizer::Next() {
  const auto& words = CorpusWords();
  const std::int64_t i = index_++;
  Prompt p;
  p.input_tokens = Draw(cls_.input_tokens, cls_.input_stddev, rng_);
  p.max_tokens = Draw(cls_.output_tokens, cls_.output_stddev, rng_);
  const std::size_t body_start = static_cast<std::size_t>(rng_() % words.size());
  // The preamble fills its words first, then the prefix, then the body. A draw shorter than
  // prefix + preamble shortens the prefix (it stays a prefix of the shared one), and one shorter
  // than the preamble alone still gets it whole: such a prompt is over target by a few tokens,
  // which beats a prompt a cache can answer.
  const std::int64_t total = WordsForTokens(p.input_tokens);
  const std::int64_t prefix = std::clamp<std::int64_t>(total - kPreambleWords, 0, prefix_words_);
  const std::int64_t asked = with_code_ ? kCodeWords : 0;
  const std::int64_t body = std::max<std::int64_t>(total - kPreambleWords - prefix - asked, 0);
  p.text.reserve(static_cast<std::size_t>(total + kPreambleWords) * 7);
  AppendWords(prefix_start_, prefix, p.text);
  AppendPreamble(i, nonce_, p.text);
  if (with_code_) {
    p.code = CodeFor(i, nonce_);
    AppendCodeRequest(p.code, p.text);
  }
  p.body_offset = p.text.size() + 1;  // AppendWords puts a space before the first word
  p.body_start = body_start;
  ResizeBody(p, body);
  return p;
}

std::vector<Prompt> SynthesizePrompts(const scenario::PromptClass& cls, std::int64_t count, std::uint64_t seed,
                                      std::uint64_t nonce, bool with_code) {
  Synthesizer synthesizer(cls, seed, nonce, with_code);
  std::vector<Prompt> prompts;
  prompts.reserve(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
  for (std::int64_t i = 0; i < count; ++i) prompts.push_back(synthesizer.Next());
  return prompts;
}

void ResizeBody(Prompt& p, std::int64_t words) {
  p.body_words = std::max<std::int64_t>(words, 0);
  p.text.resize(std::min(p.text.size(), p.body_offset - 1));
  AppendWords(p.body_start, p.body_words, p.text);
}

}  // namespace llmbench::prompt
