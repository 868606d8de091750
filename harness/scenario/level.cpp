#include "scenario/level.hpp"

#include <fmt/format.h>

namespace llmbench::scenario {

namespace {

std::string SweepRole(const Level& l) {
  if (l.point == 0) return "synchronous";
  if (!l.open()) return fmt::format("throughput, concurrency {}", l.concurrency);
  return l.rate > 0 ? fmt::format("{:.4g} req/s", l.rate) : "its rate not yet measured";
}

}  // namespace

std::string Describe(const Level& l) {
  if (l.search()) return "the SLO search";
  if (l.sweep()) return fmt::format("sweep point {} ({})", l.point, SweepRole(l));
  if (l.trace()) return fmt::format("the trace at {:.10g}x speed", l.rate);
  return l.open() ? fmt::format("rate {:.10g} req/s", l.rate) : fmt::format("concurrency {}", l.concurrency);
}

std::string ShortLabel(const Level& l) {
  if (l.search()) return "search";
  if (l.sweep()) {
    if (l.point == 0) return "sweep 0: sync";
    if (!l.open()) return fmt::format("sweep {}: c={}", l.point, l.concurrency);
    return l.rate > 0 ? fmt::format("sweep {}: r={:.3g}", l.point, l.rate) : fmt::format("sweep {}", l.point);
  }
  if (l.trace()) return fmt::format("trace x{:.10g}", l.rate);
  return l.open() ? fmt::format("r={:.10g}", l.rate) : fmt::format("c={}", l.concurrency);
}

std::string SelectionTag(const Level& l) {
  if (l.sweep()) return "sweep";
  if (l.search()) return "search";
  return IdTag(l);
}

std::string IdTag(const Level& l) {
  if (l.search()) return "s";
  if (l.sweep()) return fmt::format("w{}", l.point);
  if (l.trace()) return fmt::format("t{:.10g}", l.rate);
  return l.open() ? fmt::format("r{:.10g}", l.rate) : fmt::format("c{}", l.concurrency);
}

}  // namespace llmbench::scenario
