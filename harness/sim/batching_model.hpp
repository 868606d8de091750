// The simulator's continuous-batching timing model: pure arithmetic, no I/O, so tests can check
// it without a clock. A request waits while `max_batch` sequences are active (queue), then its
// prompt is processed (prefill, linear in input tokens) and its first chunk is sent; after that
// it receives one chunk per decode step, and a step takes longer the more sequences share it.
#pragma once

#include <cstdint>
#include <random>

#include "base/clock.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::sim {

class BatchingModel {
 public:
  explicit BatchingModel(const scenario::SimSettings& settings) : s_(settings) {}

  /// Prefill of `input_tokens`: prefill_base + prefill_per_token · tokens, jittered.
  Nanoseconds PrefillTime(std::int64_t input_tokens, std::mt19937_64& rng) const;

  /// One decode step while `active` sequences are in the batch:
  /// decode_step + decode_per_seq · (active − 1), jittered.
  Nanoseconds StepTime(std::int64_t active, std::mt19937_64& rng) const;

  /// Chunks needed for `output_tokens` at tokens_per_chunk (the last chunk may be short).
  std::int64_t Chunks(std::int64_t output_tokens) const {
    return (output_tokens + s_.tokens_per_chunk - 1) / s_.tokens_per_chunk;
  }

  std::int64_t max_batch() const { return s_.max_batch; }
  const scenario::SimSettings& settings() const { return s_; }

 private:
  /// Multiplies by a normal factor of stddev `jitter`, clamped to [0.5, 1.5] so a delay never
  /// turns negative or explodes.
  Nanoseconds Jitter(double ns, std::mt19937_64& rng) const;

  scenario::SimSettings s_;
};

}  // namespace llmbench::sim
