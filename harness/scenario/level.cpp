#include "scenario/level.hpp"

#include <fmt/format.h>

namespace llmbench::scenario {

std::string Describe(const Level& l) {
  if (l.search()) return "the SLO search";
  if (l.trace()) return fmt::format("the trace at {:.10g}x speed", l.rate);
  return l.open() ? fmt::format("rate {:.10g} req/s", l.rate) : fmt::format("concurrency {}", l.concurrency);
}

std::string ShortLabel(const Level& l) {
  if (l.search()) return "search";
  if (l.trace()) return fmt::format("trace x{:.10g}", l.rate);
  return l.open() ? fmt::format("r={:.10g}", l.rate) : fmt::format("c={}", l.concurrency);
}

std::string IdTag(const Level& l) {
  if (l.search()) return "s";
  if (l.trace()) return fmt::format("t{:.10g}", l.rate);
  return l.open() ? fmt::format("r{:.10g}", l.rate) : fmt::format("c{}", l.concurrency);
}

}  // namespace llmbench::scenario
