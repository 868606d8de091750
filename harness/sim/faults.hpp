// Fault injection: which fault (if any) a request gets, drawn from the configured rates.
#pragma once

#include <random>
#include <string_view>

#include "scenario/scenario.hpp"

namespace llmbench::sim {

enum class Fault { None, Http500, Http400, Http429, Stall, Disconnect, Malformed, ShortOutput, Crossover };

std::string_view ToString(Fault f);

/// One uniform draw against the cumulative rates (they add up to at most 1, checked at load).
Fault PickFault(const scenario::SimFaults& rates, std::mt19937_64& rng);

}  // namespace llmbench::sim
