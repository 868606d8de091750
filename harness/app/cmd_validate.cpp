// `llmbench validate FILE...`: load and check scenario files, print every problem, run nothing.
#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "base/diagnostic.hpp"
#include "scenario/expand.hpp"
#include "scenario/load_toml.hpp"

namespace llmbench::app {

Command AddValidateCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("validate", "Check scenario files (schema, types, units, references); run nothing");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("files", *files, "Scenario TOML files")->required();
  return [files] {
    int exit_code = kExitOk;
    const auto env = scenario::ProcessEnvironment();
    for (const auto& file : *files) {
      try {
        const auto s = scenario::LoadScenarioFile(file, env);
        fmt::print("{}: ok ({} cases)\n", file, scenario::Expand(s).size());
      } catch (const InputError& e) {
        fmt::print(stderr, "{}\n", e.what());
        exit_code = kExitBadInput;
      }
    }
    return exit_code;
  };
}

}  // namespace llmbench::app
