// Correctness checks on a run's answers ([checks] crossover and expect): the load generator kept
// each answer's text; this marks each successful record as it finishes, before it is counted
// and written, and then drops the text.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "load/record.hpp"
#include "prompt/synthesize.hpp"
#include "scenario/scenario.hpp"

namespace re2 {
class RE2;
}

namespace llmbench::pipeline {

class AnswerChecks {
 public:
  /// `checks.expect` must be a valid RE2 pattern (the scenario loader checked it).
  explicit AnswerChecks(const scenario::Checks& checks);
  ~AnswerChecks();

  /// Sets own_code (crossover: the answer carries its prompt's code and no other request's) and
  /// expect_matched (the answer contains a match of the pattern) on a successful record sent
  /// with `prompt` (null: none known, nothing checked), clears output_text, and returns its
  /// failure in words ("" when none).
  std::string Check(const prompt::Prompt* prompt, load::Record& r) const;
  /// Check on every record, its prompt prompts[r.index]; the first failure.
  std::string Apply(const std::vector<prompt::Prompt>& prompts, std::vector<load::Record>& records) const;

 private:
  bool crossover_;
  std::unique_ptr<re2::RE2> expect_;
  std::unique_ptr<re2::RE2> code_;  ///< any prompt's code: K<index>-<4 hex>
};

}  // namespace llmbench::pipeline
