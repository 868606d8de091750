#include "gate/gated.hpp"

#include <fmt/format.h>

#include <cmath>

namespace llmbench::gate {

std::string GatedMetric::Statistic() const {
  return q < 0 ? "" : fmt::format("p{}", static_cast<int>(std::lround(q * 100)));
}

std::string GatedMetric::Key() const { return q < 0 ? std::string(metric) : std::string(metric) + "." + Statistic(); }

std::size_t MinSamples(double q) {
  if (q <= 0.5) return 20;
  if (q <= 0.9) return 30;
  if (q <= 0.95) return 60;
  return 300;
}

}  // namespace llmbench::gate
