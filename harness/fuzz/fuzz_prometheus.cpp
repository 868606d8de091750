// libFuzzer target: the Prometheus text-format parser (engines' /metrics), and the statistics
// computed from two scrapes of it (the before/after difference of a run).
#include <cstdint>
#include <string_view>

#include "protocol/prometheus.hpp"

using namespace llmbench::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t half = text.size() / 2;
  const PromScrape before = ParsePrometheus(text.substr(0, half)), after = ParsePrometheus(text.substr(half));
  (void)ScrapeStatistics({before, after});
  (void)ScrapeStatistics({after, before});  // counters that went backwards (a restarted engine)
  return 0;
}
