// `llmbench run FILE [--engine NAME] [--class NAME] --out DIR`: run a scenario's cases.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/run_case.hpp"
#include "base/diagnostic.hpp"
#include "scenario/load_toml.hpp"

namespace llmbench::app {
namespace {

struct RunOptions {
  std::string file;
  std::vector<std::string> engines;
  std::vector<std::string> classes;
  std::string out = "reports/run";
  std::string command;
};

// Keeps the cases selected by --engine/--class; an unknown name is bad input.
std::vector<scenario::Case> Select(const scenario::Scenario& s, const RunOptions& o) {
  const auto check = [&](const std::vector<std::string>& wanted, const std::vector<std::string>& known, const char* what) {
    for (const auto& w : wanted) {
      if (std::find(known.begin(), known.end(), w) == known.end()) {
        throw InputError({{s.file, 0, 0, "", fmt::format("no {} named '{}'", what, w),
                           fmt::format("defined: {}", fmt::join(known, ", "))}});
      }
    }
  };
  std::vector<std::string> engines, classes;
  for (const auto& e : s.engines) engines.push_back(e.name);
  for (const auto& c : s.classes) classes.push_back(c.name);
  check(o.engines, engines, "engine");
  check(o.classes, classes, "class");
  std::vector<scenario::Case> out;
  for (auto& c : scenario::Expand(s)) {
    const bool engine_ok = o.engines.empty() || std::count(o.engines.begin(), o.engines.end(), c.engine.name);
    const bool class_ok = o.classes.empty() || std::count(o.classes.begin(), o.classes.end(), c.prompt_class.name);
    if (engine_ok && class_ok) out.push_back(std::move(c));
  }
  return out;
}

std::string RunId() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}

int ExitCode(const std::vector<report::CaseRow>& rows) {
  const auto count = [&](const char* status) {
    return std::count_if(rows.begin(), rows.end(), [&](const auto& r) { return r.status == status; });
  };
  if (count("failed") > 0) return kExitMeasurementFailed;
  if (!rows.empty() && count("skipped") == static_cast<long>(rows.size())) return kExitEngineUnreachable;
  return kExitOk;
}

int Run(const RunOptions& o) {
  const auto env = scenario::ProcessEnvironment();
  std::vector<report::CaseRow> rows;
  try {
    const scenario::Scenario s = scenario::LoadScenarioFile(o.file, env);
    const auto cases = Select(s, o);
    const auto provenance = report::CollectProvenance(std::filesystem::path(o.file).parent_path().string(), o.command);
    report::ResultsFile results(o.out, provenance, s);
    EmbeddedSims sims;
    const std::string run_id = RunId();
    for (const auto& c : cases) rows.push_back(RunCase(c, env, sims, results, run_id));
    fmt::print("\n{}\nresults: {}\n", report::FinalTable(rows), results.path());
  } catch (const InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadInput;
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  return ExitCode(rows);
}

}  // namespace

Command AddRunCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run a scenario's cases and write results.json");
  auto o = std::make_shared<RunOptions>();
  cmd->add_option("file", o->file, "Scenario TOML file")->required();
  cmd->add_option("--engine", o->engines, "Only these engines (repeatable)");
  cmd->add_option("--class", o->classes, "Only these prompt classes (repeatable)");
  cmd->add_option("--out", o->out, "Output directory for results.json and records.jsonl")->capture_default_str();
  return [o, cmd] {
    o->command = "llmbench run " + o->file + " --out " + o->out;
    for (const auto& e : o->engines) o->command += " --engine " + e;
    for (const auto& c : o->classes) o->command += " --class " + c;
    (void)cmd;
    return Run(*o);
  };
}

}  // namespace llmbench::app
