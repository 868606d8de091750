#include "pipeline/fit_lengths.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "client/stream_client.hpp"

namespace llmbench::pipeline {
namespace {

constexpr auto kPerCall = std::chrono::seconds(10);
constexpr std::size_t kMaxAnswer = 64u << 20;  // TGI answers ~50 bytes per token
constexpr int kMaxCountsPerPrompt = 12;
constexpr double kFirstGuessTokensPerWord = 4.0 / 3.0;  // llmbench's estimate, until two counts say better

std::string Excerpt(const std::string& body) { return body.size() <= 120 ? body : body.substr(0, 120) + "…"; }

}  // namespace

LengthFitter::LengthFitter(protocol::TokenizerApi api, std::string base_url, std::vector<std::string> headers,
                           std::string model, bool messages)
    : api_(api),
      base_url_(std::move(base_url)),
      headers_(std::move(headers)),
      model_(std::move(model)),
      messages_(messages) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string LengthFitter::Describe() const {
  return fmt::format("{} tokenizer at {}{}", protocol::ToString(api_), base_url_, messages_ ? " (chat template)" : "");
}

std::int64_t LengthFitter::Count(const std::string& text, std::string& problem) {
  const auto post = [&](const protocol::TokenizerCall& call) -> std::optional<std::string> {
    ++calls_;
    const std::string url = base_url_ + call.path;
    const auto got = session_.PostJson(url, headers_, call.body, kPerCall, kMaxAnswer);
    if (got.status == 0) {
      problem = fmt::format("{} unreachable: {}", url, got.error);
      return std::nullopt;
    }
    if (got.status != 200) {
      problem = fmt::format("{} answered HTTP {}: {}", url, got.status, Excerpt(got.body));
      return std::nullopt;
    }
    if (got.truncated) {
      problem = fmt::format("{} answered more than {} MiB", url, kMaxAnswer >> 20);
      return std::nullopt;
    }
    return got.body;
  };
  auto body = post(protocol::CountCall(api_, text, messages_, model_));
  if (!body) return -1;
  std::string error;
  if (protocol::NeedsTemplateStep(api_, messages_)) {
    const auto templated = protocol::ReadTemplatedPrompt(*body, error);
    if (!templated) {
      problem = base_url_ + ": " + error;
      return -1;
    }
    body = post(protocol::CountTemplatedCall(*templated));
    if (!body) return -1;
  }
  const auto count = protocol::ReadTokenCount(api_, messages_, *body, error);
  if (!count) {
    problem = base_url_ + ": " + error;
    return -1;
  }
  return *count;
}

LengthFit LengthFitter::Fit(std::vector<prompt::Prompt>& prompts) {
  LengthFit fit;
  const std::int64_t calls_before = calls_;
  for (std::size_t i = 0; i < prompts.size() && fit.problem.empty(); ++i) {
    prompt::Prompt& p = prompts[i];
    const std::int64_t target = p.input_tokens;
    const auto key = std::make_tuple(i, target, p.body_start);
    const auto known = fitted_words_.find(key);
    const std::int64_t estimated = p.body_words;
    std::int64_t words = known != fitted_words_.end() ? known->second : estimated;
    // The count only grows with the body (words are appended), so the words that fit lie
    // between the largest count below the target and the smallest above it.
    std::int64_t below = -1, above = -1;              // body words whose count is < / > target
    std::int64_t below_count = -1, above_count = -1;  // their counts
    std::int64_t best_words = words, best_error = -1;
    for (int k = 0; k < kMaxCountsPerPrompt; ++k) {
      prompt::ResizeBody(p, words);
      const std::int64_t n = Count(p.text, fit.problem);
      if (n < 0) break;
      const std::int64_t error = n - target;
      if (best_error < 0 || std::abs(error) < best_error) {
        best_error = std::abs(error);
        best_words = words;
      }
      if (error == 0) break;
      if (error < 0) {
        below = words;
        below_count = n;
      } else {
        above = words;
        above_count = n;
      }
      // Next guess: the slope between the bracket's ends once both are known, else the estimate.
      const double per_word =
          below >= 0 && above >= 0 && above > below
              ? std::max(0.25, static_cast<double>(above_count - below_count) / static_cast<double>(above - below))
              : kFirstGuessTokensPerWord;
      std::int64_t next = words + std::llround(static_cast<double>(-error) / per_word);
      if (next == words) next += error < 0 ? 1 : -1;
      const std::int64_t low = below >= 0 ? below + 1 : 0;
      const std::int64_t high = above >= 0 ? above - 1 : std::max(next, low);
      if (low > high) break;  // no body length in between: the best one seen is as close as it gets
      words = std::clamp(next, low, high);
    }
    if (best_error < 0) {  // not even one count: keep the estimated prompt
      prompt::ResizeBody(p, estimated);
      break;
    }
    if (p.body_words != best_words) prompt::ResizeBody(p, best_words);
    fitted_words_[key] = best_words;
    ++fit.prompts;
    if (best_error <= 1) ++fit.exact;
    fit.max_error = std::max(fit.max_error, best_error);
  }
  fit.calls = calls_ - calls_before;
  return fit;
}

}  // namespace llmbench::pipeline
