// The simulator's continuous-batching timing model: pure arithmetic, no I/O, so tests can check
// it without a clock. A request waits while `max_batch` sequences are active (queue), then its
// prompt is processed (prefill, linear in input tokens) and its first chunk is sent; after that
// it receives one chunk per decode step, and a step takes longer the more sequences share it.
// Every delay is scaled by the runner's noise at the time it starts (runner_noise.hpp), then
// jittered on its own.
#pragma once

#include <cstdint>
#include <random>

#include "base/clock.hpp"
#include "scenario/scenario.hpp"
#include "sim/runner_noise.hpp"

namespace llmbench::sim {

class BatchingModel {
 public:
  /// Draws the runner's noise (a fresh seed per construction unless settings.drift_seed is set).
  explicit BatchingModel(const scenario::SimSettings& settings) : s_(settings), noise_(settings) {}

  /// Prefill of `input_tokens` starting `since_start` after the server started:
  /// (prefill_base + prefill_per_token · tokens) · F(since_start), jittered.
  Nanoseconds PrefillTime(std::int64_t input_tokens, Nanoseconds since_start, std::mt19937_64& rng) const;

  /// One decode step while `active` sequences are in the batch:
  /// (decode_step + decode_per_seq · (active − 1)) · F(since_start), jittered.
  Nanoseconds StepTime(std::int64_t active, Nanoseconds since_start, std::mt19937_64& rng) const;

  /// Chunks needed for `output_tokens` at tokens_per_chunk (the last chunk may be short).
  std::int64_t Chunks(std::int64_t output_tokens) const {
    return (output_tokens + s_.tokens_per_chunk - 1) / s_.tokens_per_chunk;
  }

  std::int64_t max_batch() const { return s_.max_batch; }
  const scenario::SimSettings& settings() const { return s_; }
  const RunnerNoise& noise() const { return noise_; }

 private:
  /// Multiplies by a normal factor of stddev `jitter`, clamped to [0.5, 1.5] so a delay never
  /// turns negative or explodes.
  Nanoseconds Jitter(double ns, std::mt19937_64& rng) const;

  scenario::SimSettings s_;
  RunnerNoise noise_;
};

}  // namespace llmbench::sim
