// The subcommands: each registers its options on a CLI11 app and returns the exit code to use.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace llmbench::app {

/// Runs after parsing; returns an exit code (exit_codes.hpp).
using Command = std::function<int()>;

Command AddRunCommand(CLI::App& app);
Command AddValidateCommand(CLI::App& app);
Command AddSimCommand(CLI::App& app);
Command AddListCommand(CLI::App& app);
Command AddReportCommand(CLI::App& app);
Command AddBaselineCommand(CLI::App& app);
Command AddCompareCommand(CLI::App& app);
Command AddEngineCommand(CLI::App& app);
Command AddMergeCommand(CLI::App& app);
Command AddRunsCommand(CLI::App& app);
Command AddHistoryCommand(CLI::App& app);

}  // namespace llmbench::app
