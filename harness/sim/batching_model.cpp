#include "sim/batching_model.hpp"

#include <algorithm>
#include <cmath>

namespace llmbench::sim {

Nanoseconds BatchingModel::Jitter(double ns, std::mt19937_64& rng) const {
  if (s_.jitter > 0) {
    std::normal_distribution<double> factor(1.0, s_.jitter);
    ns *= std::clamp(factor(rng), 0.5, 1.5);
  }
  return Nanoseconds(static_cast<std::int64_t>(std::llround(ns)));
}

Nanoseconds BatchingModel::PrefillTime(std::int64_t input_tokens, Nanoseconds since_start, std::mt19937_64& rng) const {
  const double ns = static_cast<double>(s_.prefill_base.count()) +
                    static_cast<double>(s_.prefill_per_token.count()) * static_cast<double>(input_tokens);
  return Jitter(ns * noise_.Factor(since_start), rng);
}

Nanoseconds BatchingModel::StepTime(std::int64_t active, Nanoseconds since_start, std::mt19937_64& rng) const {
  const double ns =
      static_cast<double>(s_.decode_step.count()) +
      static_cast<double>(s_.decode_per_seq.count()) * static_cast<double>(std::max<std::int64_t>(active - 1, 0));
  return Jitter(ns * noise_.Factor(since_start), rng);
}

}  // namespace llmbench::sim
