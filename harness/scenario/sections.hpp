// Readers for each section of a scenario file; each validates its own keys and values.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"
#include "scenario/toml_reader.hpp"

namespace llmbench::scenario {

/// Names become parts of test names and paths: letters, digits, '_', '-', '.'; 1–64 chars.
bool ValidName(std::string_view name);

/// Stop signals a launch may name ("SIGTERM" or "TERM", …); nullopt for any other.
std::optional<int> ParseSignal(std::string_view name);
std::string_view SignalName(int number);

Load ReadLoad(TableReader r);
GateSettings ReadGate(TableReader r);
Slo ReadSlo(TableReader r);
std::vector<Engine> ReadEngines(const toml::table& engines, const LoadContext& ctx);
SimSettings ReadSimSettings(TableReader r);
std::vector<PromptClass> ReadClasses(const toml::table& classes, const LoadContext& ctx,
                                     const std::vector<Engine>& engines);
/// `engines` tells whether server.* rules can be checked (an engine with [metrics]).
/// [checks]: correctness checks, each added to `thresholds` as the rule that expresses it
/// (output_length → "output_length_mismatch == 0%"), marked with its check name.
Checks ReadChecks(TableReader r, std::vector<ThresholdSpec>& thresholds);

/// `max_turns`: the most turns of any class (ttft_turn_<k> rules must name one of them).
std::vector<ThresholdSpec> ReadThresholds(const toml::array& rules, const LoadContext& ctx, const Load& load,
                                          const Slo& slo, const std::vector<Engine>& engines, std::int32_t max_turns);

}  // namespace llmbench::scenario
