// llmbench: parse the command line, dispatch to a subcommand, map its outcome to an exit code.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <map>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "base/file_limit.hpp"
#include "base/version.hpp"

int main(int argc, char** argv) {
  using namespace llmbench::app;
  llmbench::RaiseFileLimit();
  CLI::App app{"llmbench: benchmark LLM inference servers from TOML scenarios"};
  app.set_version_flag("--version", std::string(llmbench::kVersion));
  app.require_subcommand(1);
  std::map<CLI::App*, Command> commands;
  const auto add = [&](auto adder) {
    const std::size_t before = app.get_subcommands({}).size();
    Command c = adder(app);
    commands[app.get_subcommands({})[before]] = std::move(c);
  };
  add(AddRunCommand);
  add(AddValidateCommand);
  add(AddSimCommand);
  add(AddListCommand);
  add(AddReportCommand);
  add(AddBaselineCommand);
  add(AddCompareCommand);
  add(AddEngineCommand);
  add(AddMergeCommand);
  add(AddRunsCommand);
  add(AddHistoryCommand);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  for (const auto& [sub, command] : commands) {
    if (sub->parsed()) return command();
  }
  return kExitBadInput;
}
