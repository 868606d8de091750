// libFuzzer target: the threshold grammar ("ttft.p95 < 500ms"). Exactly one result: a rule with
// a finite value, or an error with a message whose offset lies within the text.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scenario/threshold.hpp"

using namespace llmbench::scenario;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ThresholdError error;
  const auto rule = ParseThreshold(text, error);
  if (rule) {
    if (!std::isfinite(rule->value) || rule->metric.empty() || ToString(rule->op).empty()) std::abort();
  } else if (error.message.empty() || error.offset > text.size()) {
    std::abort();
  }
  return 0;
}
