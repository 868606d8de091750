// PromptFeed: a level's prompts by index, for a run of any length in bounded memory. Made
// ahead of the sends in blocks (kBlock at a time) by a generator that continues where it stopped
// (the same prompts, in the same order, as making them all at once), and dropped once every
// request that needs them has been sent (ReleaseBelow). Or, when every prompt had to be made
// before the run (a tokenizer fitted them, a client host picked its share), over those.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "prompt/synthesize.hpp"

namespace llmbench::prompt {

class PromptFeed {
 public:
  /// Prompts made ahead of need, at most this many more than the run has reached.
  static constexpr std::int64_t kBlock = 1024;

  /// Over prompts made already.
  explicit PromptFeed(std::vector<Prompt> all);
  /// `count` prompts, each made by `next` (called in index order) as the run reaches it.
  PromptFeed(std::int64_t count, std::function<Prompt()> next);

  std::int64_t size() const { return count_; }
  /// Prompt `i` (0 ≤ i < size()); throws std::logic_error when it was released.
  const Prompt& At(std::int64_t i);
  /// Drops every prompt below `i`: no request will be sent with them any more.
  void ReleaseBelow(std::int64_t i);
  /// Prompts held now (made and not released).
  std::int64_t held() const { return static_cast<std::int64_t>(window_.size()); }

 private:
  std::int64_t count_;
  std::function<Prompt()> next_;  ///< empty: all were given
  std::deque<Prompt> window_;     ///< prompts [base_, base_ + window_.size())
  std::int64_t base_ = 0;
};

}  // namespace llmbench::prompt
