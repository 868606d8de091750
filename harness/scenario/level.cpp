#include "scenario/level.hpp"

#include <fmt/format.h>

namespace llmbench::scenario {

std::string Describe(const Level& l) {
  if (l.search()) return "the SLO search";
  if (l.trace) return fmt::format("the trace at {:g}x speed", l.rate);
  return l.open() ? fmt::format("rate {:g} req/s", l.rate) : fmt::format("concurrency {}", l.concurrency);
}

std::string ShortLabel(const Level& l) {
  if (l.search()) return "search";
  if (l.trace) return fmt::format("trace x{:g}", l.rate);
  return l.open() ? fmt::format("r={:g}", l.rate) : fmt::format("c={}", l.concurrency);
}

std::string IdTag(const Level& l) {
  if (l.search()) return "s";
  if (l.trace) return fmt::format("t{:g}", l.rate);
  return l.open() ? fmt::format("r{:g}", l.rate) : fmt::format("c{}", l.concurrency);
}

}  // namespace llmbench::scenario
