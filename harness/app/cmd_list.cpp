// `llmbench list [--ctest] PATH...`: the cases of scenario files, parse-only and fast. With
// --ctest it prints CMake code (add_test / set_tests_properties) that CTest's discovery script
// (harness/cmake/LLMBenchAddTests.cmake) includes on every ctest run.
#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "base/diagnostic.hpp"
#include "base/find_files.hpp"
#include "base/hash.hpp"
#include "scenario/expand.hpp"
#include "scenario/load_toml.hpp"

namespace llmbench::app {
namespace {

namespace fs = std::filesystem;

struct ListOptions {
  std::vector<std::string> paths;
  bool ctest = false;
  bool recurse = false;
  std::string llmbench;  ///< binary the tests run; default: this one
  std::string reports = "reports";
  std::string baselines = "baselines";
  std::vector<std::string> labels;
  std::string filter;  ///< RE2 on the case id
  int shards = 4;
  bool split_levels = false;  ///< one test per level of each case ("<case>@<level>")
};

// A CMake bracket argument whose guard does not occur in the text (GoogleTestAddTests.cmake).
std::string Bracket(const std::string& text) {
  std::string guard;
  while (text.find("]" + guard + "]") != std::string::npos) guard += '=';
  return "[" + guard + "[" + text + "]" + guard + "]";
}

std::string Absolute(const std::string& p) { return fs::absolute(p).lexically_normal().string(); }

// FNV-1a of the case id: a test's shard never changes when other files come and go.
int Shard(const std::string& id, int shards) {
  return static_cast<int>(Fnv1a(id) % static_cast<std::uint64_t>(shards)) + 1;
}

std::string LabelList(std::vector<std::string> labels) {
  std::vector<std::string> unique;
  for (auto& l : labels) {
    if (!l.empty() && std::find(unique.begin(), unique.end(), l) == unique.end()) unique.push_back(std::move(l));
  }
  return Bracket(fmt::format("{}", fmt::join(unique, ";")));
}

// The CTest fixture of an engine with [launch]: what its cases require.
std::string EngineFixture(const scenario::Case& c) {
  return "llmbench-engine:" + c.scenario_name + "/" + c.engine.name;
}

std::string EngineLock(const scenario::Case& c) {
  // One lock per engine endpoint; embedded simulators share one lock (they share the CPU).
  return c.engine.sim ? "llmbench-embedded-simulator" : "llmbench-engine " + c.engine.url;
}

// One lock per scenario: its cases never run at once, so an engine-vs-engine comparison is of
// engines measured one after another, and no case shares the client with another.
std::string ScenarioLock(const scenario::Case& c) { return "llmbench-scenario " + c.scenario_file; }

std::int64_t WholeSeconds(Nanoseconds d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

// `scenario/engine:start` and `scenario/engine:stop` (':' never occurs in a case id): the setup
// and cleanup tests around the cases of an engine that llmbench launches.
void PrintEngineFixture(const scenario::Case& c, const ListOptions& o) {
  const scenario::Launch& l = *c.engine.launch;
  const std::string base = c.scenario_name + "/" + c.engine.name;
  const std::string state = Absolute(fmt::format("{}/engines/{}", o.reports, c.scenario_name));
  const std::string labels = LabelList({"llmbench", c.scenario_name, c.engine.name, "engine"});
  fmt::print("add_test({} {} engine start {} --engine {} --state {} --out {})\n", Bracket(base + ":start"),
             Bracket(o.llmbench), Bracket(Absolute(c.scenario_file)), Bracket(c.engine.name), Bracket(state),
             Bracket(Absolute(fmt::format("{}/latest/cases/{}:start", o.reports, base))));
  fmt::print(
      "set_tests_properties({} PROPERTIES LABELS {} FIXTURES_SETUP {} FIXTURES_REQUIRED llmbench_reports "
      "RESOURCE_LOCK {} TIMEOUT {} SKIP_RETURN_CODE {})\n",
      Bracket(base + ":start"), labels, Bracket(EngineFixture(c)), Bracket(EngineLock(c)),
      WholeSeconds(l.ready_timeout + l.stop_timeout) + 60, kExitEngineUnreachable);
  fmt::print("add_test({} {} engine stop {} --engine {} --state {})\n", Bracket(base + ":stop"), Bracket(o.llmbench),
             Bracket(Absolute(c.scenario_file)), Bracket(c.engine.name), Bracket(state));
  fmt::print(
      "set_tests_properties({} PROPERTIES LABELS {} FIXTURES_CLEANUP {} FIXTURES_REQUIRED llmbench_reports "
      "RESOURCE_LOCK {} TIMEOUT {})\n",
      Bracket(base + ":stop"), labels, Bracket(EngineFixture(c)), Bracket(EngineLock(c)),
      WholeSeconds(l.stop_timeout) + 30);
}

// One test for the case, or (`level`: a SelectionTag) for one of its levels, "<case>@<level>":
// the same run with --level, into its own folder; `llmbench report` merges the levels back.
void PrintCase(const scenario::Case& c, const ListOptions& o, const std::string& level = "") {
  const std::string test = level.empty() ? c.id : c.id + "@" + level;
  const std::string out = Absolute(fmt::format("{}/latest/cases/{}", o.reports, test));
  const std::string name = Bracket(test);
  const bool launched = c.engine.launch.has_value();
  fmt::print("add_test({} {} run {} --engine {} --class {}{} --out {} --baselines {}{})\n", name, Bracket(o.llmbench),
             Bracket(Absolute(c.scenario_file)), Bracket(c.engine.name), Bracket(c.prompt_class.name),
             level.empty() ? "" : " --level " + Bracket(level), Bracket(out), Bracket(Absolute(o.baselines)),
             launched ? " --no-launch" : "");
  std::vector<std::string> labels{"llmbench", c.scenario_name, c.engine.name, c.prompt_class.name,
                                  fmt::format("shard{}of{}", Shard(test, o.shards), o.shards)};
  if (!level.empty()) labels.push_back("level:" + level);
  scenario::Case selected = c;
  if (!level.empty()) selected.only_levels = {level};
  labels.insert(labels.end(), o.labels.begin(), o.labels.end());
  labels.insert(labels.end(), c.labels.begin(), c.labels.end());
  const std::string fixtures = launched ? "llmbench_reports;" + EngineFixture(c) : "llmbench_reports";
  fmt::print(
      "set_tests_properties({} PROPERTIES LABELS {} RESOURCE_LOCK {} TIMEOUT {} SKIP_RETURN_CODE {} "
      "FIXTURES_REQUIRED {})\n",
      name, LabelList(labels), Bracket(EngineLock(c) + ";" + ScenarioLock(c)),
      WholeSeconds(scenario::CaseTimeBudget(selected)), kExitEngineUnreachable, Bracket(fixtures));
}

// A file that does not load becomes one failing test that prints its errors.
void PrintInvalid(const std::string& file, const ListOptions& o) {
  const std::string stem = fs::path(file).stem().string();
  const std::string name = Bracket(stem + "/invalid-scenario");
  fmt::print("add_test({} {} run {} --out {})\n", name, Bracket(o.llmbench), Bracket(Absolute(file)),
             Bracket(Absolute(fmt::format("{}/latest/cases/{}/invalid-scenario", o.reports, stem))));
  fmt::print("set_tests_properties({} PROPERTIES LABELS {} FIXTURES_REQUIRED llmbench_reports)\n", name,
             LabelList({"llmbench", stem, "invalid"}));
}

int List(const ListOptions& o) {
  std::unique_ptr<RE2> filter;
  if (!o.filter.empty()) {
    filter = std::make_unique<RE2>(o.filter, RE2::Quiet);
    if (!filter->ok()) {
      fmt::print(stderr, "error: --filter '{}': {}\n", o.filter, filter->error());
      return kExitBadInput;
    }
  }
  const auto env = scenario::ProcessEnvironment();
  int code = kExitOk;
  const auto is_toml = [](const fs::path& p) { return p.extension() == ".toml"; };
  for (const auto& file : FindFiles(o.paths, is_toml, o.recurse)) {
    try {
      const auto s = scenario::LoadScenarioFile(file, env);
      std::set<std::string> launched;
      for (const auto& c : scenario::Expand(s)) {
        if (filter && !RE2::PartialMatch(c.id, *filter)) continue;
        if (o.ctest) {
          if (c.engine.launch && launched.insert(c.engine.name).second) PrintEngineFixture(c, o);
          const auto levels = c.LevelTags();  // --split-levels: a test per level (a sweep's points as one)
          if (!o.split_levels || levels.size() < 2) {
            PrintCase(c, o);
          } else {
            for (const auto& l : levels) PrintCase(c, o, l);
          }
        } else {
          fmt::print("{}\n", c.id);
        }
      }
    } catch (const InputError& e) {
      if (o.ctest) {
        PrintInvalid(file, o);
      } else {
        fmt::print(stderr, "{}\n", e.what());
        code = kExitBadInput;
      }
    }
  }
  return code;
}

}  // namespace

Command AddListCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("list", "List the cases of scenario files (parse only); --ctest prints CTest code");
  auto o = std::make_shared<ListOptions>();
  cmd->add_option("paths", o->paths, "Scenario files or directories (their *.toml)")->required();
  cmd->add_flag("--ctest", o->ctest, "Print add_test/set_tests_properties for CTest discovery");
  cmd->add_flag("--recurse", o->recurse, "Descend into subdirectories");
  cmd->add_option("--llmbench", o->llmbench, "Binary the tests run (default: this one)");
  cmd->add_option(
         "--reports", o->reports,
         "Reports directory (per-case output in REPORTS/latest/cases/: the run folder `llmbench runs new` made)")
      ->capture_default_str();
  cmd->add_option("--baselines", o->baselines, "Baselines directory")->capture_default_str();
  cmd->add_option("--label", o->labels, "Extra label for every test (repeatable)");
  cmd->add_option("--filter", o->filter, "Only cases whose id matches this RE2 regex");
  cmd->add_flag(
      "--split-levels", o->split_levels,
      "One test per level of each case, <case>@<level> (run with --level; shards then spread a case's levels)");
  cmd->add_option("--shards", o->shards, "Number of shard labels (shard<k>of<N>)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  return [o] {
    if (o->llmbench.empty()) o->llmbench = fs::read_symlink("/proc/self/exe").string();
    return List(*o);
  };
}

}  // namespace llmbench::app
