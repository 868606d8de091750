// `llmbench run`: placeholder until the load generator lands (issue 2, next step).
#include "app/commands.hpp"
#include "app/exit_codes.hpp"

namespace llmbench::app {

Command AddRunCommand(CLI::App& app) {
  app.add_subcommand("run", "Run a scenario");
  return [] { return kExitBadInput; };
}

}  // namespace llmbench::app
