#include "pipeline/check_answers.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

namespace llmbench::pipeline {
namespace {

std::string Excerpt(const std::string& text) {
  constexpr std::size_t kMax = 80;
  return text.size() <= kMax ? text : text.substr(0, kMax) + "…";
}

}  // namespace

AnswerChecks::AnswerChecks(const scenario::Checks& checks)
    : crossover_(checks.crossover),
      expect_(checks.expect.empty() ? nullptr : std::make_unique<re2::RE2>(checks.expect, re2::RE2::Quiet)),
      code_(std::make_unique<re2::RE2>("(K[0-9]+-[0-9a-f]{4})")) {}

AnswerChecks::~AnswerChecks() = default;

std::string AnswerChecks::Check(const prompt::Prompt* prompt, load::Record& r) const {
  std::string failure;
  if (r.error != load::ErrorKind::None || prompt == nullptr) {
    r.output_text.clear();
    return failure;
  }
  const prompt::Prompt& p = *prompt;
  if (crossover_ && !p.code.empty()) {
    bool own = false, other = false;
    std::string found;
    re2::StringPiece rest(r.output_text);
    while (RE2::FindAndConsume(&rest, *code_, &found)) {
      (found == p.code ? own : other) = true;
    }
    r.own_code = own && !other ? 1 : 0;
    if (r.own_code == 0) {
      failure = fmt::format("crossover: request {} answered \"{}\" ({}; its code is {})", r.index,
                            Excerpt(r.output_text), other ? "another request's code" : "no code of its own", p.code);
    }
  }
  if (expect_) {
    r.expect_matched = RE2::PartialMatch(r.output_text, *expect_) ? 1 : 0;
    if (r.expect_matched == 0 && failure.empty()) {
      failure = fmt::format("expect: request {} answered \"{}\", no match of /{}/", r.index, Excerpt(r.output_text),
                            expect_->pattern());
    }
  }
  r.output_text.clear();
  r.output_text.shrink_to_fit();
  return failure;
}

std::string AnswerChecks::Apply(const std::vector<prompt::Prompt>& prompts, std::vector<load::Record>& records) const {
  std::string first_failure;
  for (auto& r : records) {
    const bool known = r.index >= 0 && r.index < static_cast<std::int64_t>(prompts.size());
    std::string failure = Check(known ? &prompts[static_cast<std::size_t>(r.index)] : nullptr, r);
    if (first_failure.empty()) first_failure = std::move(failure);
  }
  return first_failure;
}

}  // namespace llmbench::pipeline
