#include "prompt/feed.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace llmbench::prompt {

PromptFeed::PromptFeed(std::vector<Prompt> all)
    : count_(static_cast<std::int64_t>(all.size())),
      window_(std::make_move_iterator(all.begin()), std::make_move_iterator(all.end())) {}

PromptFeed::PromptFeed(std::int64_t count, std::function<Prompt()> next)
    : count_(std::max<std::int64_t>(count, 0)), next_(std::move(next)) {}

const Prompt& PromptFeed::At(std::int64_t i) {
  if (i < base_ || i >= count_) {
    throw std::logic_error("prompt " + std::to_string(i) + " is not in the feed (held from " + std::to_string(base_) +
                           " of " + std::to_string(count_) + ")");
  }
  const std::int64_t end = base_ + static_cast<std::int64_t>(window_.size());
  if (i >= end) {  // make up to a block beyond it
    const std::int64_t upto = std::min(count_, i + kBlock);
    for (std::int64_t k = end; k < upto; ++k) window_.push_back(next_());
  }
  return window_[static_cast<std::size_t>(i - base_)];
}

void PromptFeed::ReleaseBelow(std::int64_t i) {
  while (base_ < i && !window_.empty()) {
    window_.pop_front();
    ++base_;
  }
  // Prompts never made below `i` are skipped when made: the generator's sequence stays whole.
  while (base_ < i && base_ < count_ && next_) {
    (void)next_();
    ++base_;
  }
}

}  // namespace llmbench::prompt
