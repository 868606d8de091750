// Quantities with units as users write them: durations ("250ms", "1.5s"), percentages ("1%").
// Table-driven (wrk2 units.c): one table per dimension, shared by the scenario loader, the
// threshold parser and the reporters, so a unit means the same thing everywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.hpp"

namespace llmbench {

/// Parses "<number><unit>" with unit one of ns, us, ms, s, m, h (spaces allowed between).
/// A bare number has no unit and is rejected: a duration without a unit is ambiguous.
std::optional<Nanoseconds> ParseDuration(std::string_view text);

/// The units ParseDuration accepts, for error hints: "ns, us, ms, s, m, h".
std::string_view DurationUnitsHint();

/// Parses "12.5%" to 0.125. Requires the % sign.
std::optional<double> ParsePercent(std::string_view text);

/// Shortest readable form: "250ms", "1.5s", "40us".
std::string FormatDuration(Nanoseconds d);

}  // namespace llmbench
