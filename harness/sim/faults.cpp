#include "sim/faults.hpp"

#include <array>
#include <utility>

namespace llmbench::sim {

std::string_view ToString(Fault f) {
  switch (f) {
    case Fault::None:
      return "none";
    case Fault::Http500:
      return "http_500";
    case Fault::Http400:
      return "http_400";
    case Fault::Http429:
      return "http_429";
    case Fault::Stall:
      return "stall";
    case Fault::Disconnect:
      return "disconnect";
    case Fault::Malformed:
      return "malformed";
    case Fault::ShortOutput:
      return "short_output";
    case Fault::Crossover:
      return "crossover";
  }
  return "?";
}

Fault PickFault(const scenario::SimFaults& r, std::mt19937_64& rng) {
  const std::array<std::pair<double, Fault>, 8> table{{{r.http_500, Fault::Http500},
                                                       {r.http_400, Fault::Http400},
                                                       {r.http_429, Fault::Http429},
                                                       {r.stall, Fault::Stall},
                                                       {r.disconnect, Fault::Disconnect},
                                                       {r.malformed, Fault::Malformed},
                                                       {r.short_output, Fault::ShortOutput},
                                                       {r.crossover, Fault::Crossover}}};
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  for (const auto& [rate, fault] : table) {
    if (u < rate) return fault;
    u -= rate;
  }
  return Fault::None;
}

}  // namespace llmbench::sim
