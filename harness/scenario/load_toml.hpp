// Loads and validates a scenario file (schema 1). The only entry point from TOML to Scenario.
#pragma once

#include <string>
#include <string_view>

#include "scenario/scenario.hpp"
#include "scenario/toml_reader.hpp"

namespace llmbench::scenario {

/// Parses and validates; throws InputError with every problem found (file:line:col, key, hint).
Scenario LoadScenarioFile(const std::string& path, const EnvLookup& env);

/// The same from text; `file` names it in diagnostics and gives the default scenario name.
Scenario LoadScenarioText(std::string_view text, const std::string& file, const EnvLookup& env);

/// Simulator settings from TOML text in the [engines.X.simulator] schema (for `llmbench sim
/// --set key=value`); throws InputError naming `origin`.
SimSettings LoadSimSettingsText(std::string_view text, const std::string& origin);

/// The process environment, then KEY=VALUE lines of `dotenv_path` if that file exists.
EnvLookup ProcessEnvironment(const std::string& dotenv_path = ".env");

}  // namespace llmbench::scenario
