#include "scenario/level.hpp"

#include <fmt/format.h>

namespace llmbench::scenario {

std::string Describe(const Level& l) {
  if (l.search()) return "the SLO search";
  return l.open() ? fmt::format("rate {:g} req/s", l.rate) : fmt::format("concurrency {}", l.concurrency);
}

std::string ShortLabel(const Level& l) {
  if (l.search()) return "search";
  return l.open() ? fmt::format("r={:g}", l.rate) : fmt::format("c={}", l.concurrency);
}

std::string IdTag(const Level& l) {
  if (l.search()) return "s";
  return l.open() ? fmt::format("r{:g}", l.rate) : fmt::format("c{}", l.concurrency);
}

}  // namespace llmbench::scenario
