// Prompts from a file ([classes.<name>] dataset): JSON lines, or one JSON array (ShareGPT's own
// files), each entry a `text` or `prompt` string, chat `messages` ([{"role","content"}]: the first
// user message) or ShareGPT `conversations` ([{"from","value"}]: the first human turn). Entries
// outside the class's length bounds (estimated tokens) are left out; a run samples its prompts
// from the rest with its own seed, each still opened by the request's unique preamble, so no two
// requests share a cacheable prefix even when they share an entry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "prompt/feed.hpp"
#include "prompt/synthesize.hpp"
#include "prompt/trace.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::prompt {

struct Dataset {
  std::string path;
  std::vector<std::string> texts;  ///< entries within the bounds, in file order
  std::int64_t entries = 0;        ///< entries read
  std::int64_t out_of_bounds = 0;  ///< left out for their length
  std::uint64_t content_hash = 0;  ///< of the whole file: other data, other prompts
};

/// Reads `path` for `cls`'s field and bounds. Throws InputError naming the file, the line (or the
/// array element) and what is wrong, and when no entry is left.
Dataset LoadDataset(const std::string& path, const scenario::PromptClass& cls);

/// `count` prompts drawn from the dataset with `seed` (without replacement while entries last,
/// then again from a fresh shuffle): preamble (and the crossover code request), then the entry.
/// input_tokens is the whole text's estimate; max_tokens the class's draw.
std::vector<Prompt> SampleDataset(const Dataset& data, const scenario::PromptClass& cls, std::int64_t count,
                                  std::uint64_t seed, std::uint64_t nonce, bool with_code);

/// A class's prompts, synthesised, from its dataset or its trace (loaded once).
class PromptSource {
 public:
  /// `scenario_dir` anchors a relative dataset path. Throws InputError for a bad dataset.
  PromptSource(const scenario::PromptClass& cls, const std::string& scenario_dir);
  std::vector<Prompt> Make(std::int64_t count, std::uint64_t seed, std::uint64_t nonce, bool with_code) const;
  /// The same prompts as Make, as a feed: synthesised ones made as the run reaches them (a run's
  /// memory does not grow with its requests); a dataset's or trace's made now.
  PromptFeed Feed(std::int64_t count, std::uint64_t seed, std::uint64_t nonce, bool with_code) const;
  /// Prompts can be resized to a tokenizer's count (synthesised ones only).
  bool resizable() const { return !dataset_ && !trace_; }
  const Dataset* dataset() const { return dataset_ ? &*dataset_ : nullptr; }
  const Trace* trace() const { return trace_ ? &*trace_ : nullptr; }

 private:
  scenario::PromptClass cls_;
  std::optional<Dataset> dataset_;
  std::optional<Trace> trace_;
};

}  // namespace llmbench::prompt
