// Scenario → TOML: the effective settings in the same schema users write (round-trips through
// LoadScenarioText), and as JSON for results files.
#pragma once

#include <string>

#include "scenario/scenario.hpp"

namespace llmbench::scenario {

/// Every setting, defaults included, as a schema-1 TOML document. Secrets are never included:
/// the file names the variable (api_key_env), and interpolated values are written expanded.
std::string ToToml(const Scenario& s);

/// The same settings as a JSON object (for results.json "settings").
std::string ToJson(const Scenario& s);

}  // namespace llmbench::scenario
