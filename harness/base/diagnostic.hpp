// Diagnostics for bad input: where (file:line:col, key path), what, and how to fix it.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace llmbench {

/// One problem found in user input. line/column are 1-based; 0 when unknown.
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key_path;  ///< dotted TOML path, e.g. "engines.vllm.url"
  std::string message;
  std::string hint;  ///< optional "did you mean ..." or list of valid values
};

/// "file:line:col: error: key 'a.b': message (hint)" — the format compilers use, so editors
/// and CI log viewers link to the position.
std::string FormatDiagnostic(const Diagnostic& d);

/// Thrown at the input boundary (scenario loading) with every problem found, never just the first.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// Damerau-free Levenshtein distance; used for "did you mean" hints.
std::size_t EditDistance(const std::string& a, const std::string& b);

/// The candidate closest to `word` within a small distance, or "" when none is close.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace llmbench
