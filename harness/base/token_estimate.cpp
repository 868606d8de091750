#include "base/token_estimate.hpp"

namespace llmbench {

std::int64_t EstimateTokens(std::string_view text) noexcept {
  std::int64_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return (words * 4 + 1) / 3;
}

std::int64_t WordsForTokens(std::int64_t tokens) noexcept { return tokens <= 0 ? 0 : (tokens * 3 + 2) / 4; }

}  // namespace llmbench
