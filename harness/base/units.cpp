#include "base/units.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <string>

namespace llmbench {
namespace {

struct DurationUnit {
  std::string_view suffix;
  double ns;
};
// Longest suffixes first so "ms" is not read as "m" + garbage.
constexpr std::array<DurationUnit, 6> kDurationUnits{
    {{"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}}};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "12.5ms" into 12.5 and "ms"; nullopt when there is no leading number.
std::optional<std::pair<double, std::string_view>> SplitNumber(std::string_view text) {
  text = Trim(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  return std::pair{value, Trim(text.substr(static_cast<std::size_t>(end - text.data())))};
}

}  // namespace

std::optional<Nanoseconds> ParseDuration(std::string_view text) {
  const auto split = SplitNumber(text);
  if (!split || split->first < 0) return std::nullopt;
  for (const auto& unit : kDurationUnits) {
    if (split->second == unit.suffix) {
      const double ns = split->first * unit.ns;
      if (ns > 9.2e18) return std::nullopt;
      return Nanoseconds(static_cast<std::int64_t>(std::llround(ns)));
    }
  }
  return std::nullopt;
}

std::string_view DurationUnitsHint() { return "a number with a unit: ns, us, ms, s, m, h"; }

std::optional<double> ParsePercent(std::string_view text) {
  const auto split = SplitNumber(text);
  if (!split || split->second != "%") return std::nullopt;
  return split->first / 100.0;
}

std::string FormatDuration(Nanoseconds d) {
  const auto ns = static_cast<double>(d.count());
  if (d.count() == 0) return "0s";
  if (d.count() % 3'600'000'000'000 == 0) return fmt::format("{}h", d.count() / 3'600'000'000'000);
  if (d.count() % 60'000'000'000 == 0) return fmt::format("{}m", d.count() / 60'000'000'000);
  if (std::abs(ns) >= 1e9) return fmt::format("{}s", ns / 1e9);
  if (std::abs(ns) >= 1e6) return fmt::format("{}ms", ns / 1e6);
  if (std::abs(ns) >= 1e3) return fmt::format("{}us", ns / 1e3);
  return fmt::format("{}ns", d.count());
}

}  // namespace llmbench
