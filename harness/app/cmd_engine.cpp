// `llmbench engine start|stop FILE --engine NAME`: the CTest fixture pair around an engine with
// [engines.<name>.launch]. `start` launches it, waits until it is ready and returns, leaving it
// running (its output goes to a log file, so ctest does not wait on a pipe) and its process in a
// state file; `stop` reads that file and stops the process group.
#include <fmt/format.h>

#include <filesystem>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "base/atomic_file.hpp"
#include "base/diagnostic.hpp"
#include "gate/json_codec.hpp"
#include "gate/verdict.hpp"
#include "pipeline/engine_launch.hpp"
#include "scenario/load_toml.hpp"

namespace llmbench::app {
namespace {

namespace fs = std::filesystem;

struct EngineOptions {
  std::string file;
  std::string engine;
  std::string state;  ///< folder of the state file and default log; "" = reports/engines/<scenario>
  std::string out;    ///< start: where a failed launch leaves its verdict for `llmbench report`
};

struct Located {
  scenario::Scenario scenario;
  const scenario::Engine* engine = nullptr;
  std::string state_dir;
};

// Loads the scenario and finds the engine; nullopt (after printing why) on bad input.
std::optional<Located> Locate(const EngineOptions& o) {
  Located l;
  try {
    l.scenario = scenario::LoadScenarioFile(o.file, scenario::ProcessEnvironment());
  } catch (const InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return std::nullopt;
  }
  for (const auto& e : l.scenario.engines) {
    if (e.name == o.engine) l.engine = &e;
  }
  if (l.engine == nullptr) {
    fmt::print(stderr, "error: {} has no engine named '{}'\n", o.file, o.engine);
    return std::nullopt;
  }
  if (!l.engine->launch) {
    fmt::print(stderr, "error: engine '{}' of {} has no [engines.{}.launch] table: nothing to start or stop\n",
               o.engine, o.file, o.engine);
    return std::nullopt;
  }
  l.state_dir = o.state.empty() ? "reports/engines/" + l.scenario.name : o.state;
  return l;
}

std::string StatePath(const Located& l) { return l.state_dir + "/" + l.engine->name + ".json"; }

// A failed launch as an error verdict (a skip for an optional engine), so the merged JUnit and
// Markdown reports show it next to the cases that could not run.
void WriteLaunchVerdict(const std::string& dir, const Located& l, const std::string& why) {
  gate::CaseVerdict v;
  v.case_id = l.scenario.name + "/" + l.engine->name + ":start";
  v.outcome = l.engine->required ? gate::Outcome::Error : gate::Outcome::Skipped;
  v.reasons.push_back(why);
  v.baseline_state = "not compared";
  nlohmann::json all = nlohmann::json::array({gate::ToJson(v)});
  WriteFileAtomically(dir + "/verdicts.json", [&](std::ostream& out) { out << gate::DumpJson(all, 1) << '\n'; });
}

int Start(const EngineOptions& o) {
  const auto l = Locate(o);
  if (!l) return kExitBadInput;
  const std::string state = StatePath(*l);
  try {
    if (const auto earlier = pipeline::ReadLaunchState(state)) {
      if (pipeline::StillRunning(*earlier)) {
        fmt::print("engine '{}': an earlier launch (pid {}) is still running; stopping it first\n", o.engine,
                   earlier->pid);
        fmt::print("{}\n", pipeline::StopEngine(*earlier).message);
      }
      fs::remove(state);
    }
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  const std::string dir = fs::path(l->scenario.file).parent_path().string();
  const auto plan = pipeline::ResolveLaunch(*l->engine, dir, l->state_dir + "/" + l->engine->name + ".log");
  fmt::print("engine '{}': launching {} (log: {})\n", o.engine, fmt::join(plan.argv, " "), plan.log);
  std::fflush(stdout);
  try {
    Nanoseconds ready_after{};
    const auto p = pipeline::StartEngine(plan, ready_after);
    pipeline::WriteLaunchState(state, p);
    fmt::print("engine '{}': ready after {:.1f} s at {} (pid {}; stop it with `llmbench engine stop`)\n", o.engine,
               std::chrono::duration<double>(ready_after).count(), plan.ready_url, p.pid);
    return kExitOk;
  } catch (const pipeline::LaunchError& e) {
    fmt::print(stderr, "{}\n", e.what());
    if (!o.out.empty()) WriteLaunchVerdict(o.out, *l, e.what());
    return l->engine->required ? kExitMeasurementFailed : kExitEngineUnreachable;
  }
}

int Stop(const EngineOptions& o) {
  const auto l = Locate(o);
  if (!l) return kExitBadInput;
  const std::string state = StatePath(*l);
  std::optional<pipeline::LaunchedProcess> p;
  try {
    p = pipeline::ReadLaunchState(state);
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  if (!p) {
    fmt::print("engine '{}': no running launch recorded in {} (never started, or already stopped)\n", o.engine, state);
    return kExitOk;
  }
  const auto r = pipeline::StopEngine(*p);
  std::error_code ec;
  fs::remove(state, ec);
  fmt::print(r.was_running && r.stopped ? stdout : stderr, "{}\n", r.message);
  return r.was_running && r.stopped ? kExitOk : kExitMeasurementFailed;
}

void AddShared(CLI::App* cmd, const std::shared_ptr<EngineOptions>& o) {
  cmd->add_option("file", o->file, "Scenario TOML file")->required();
  cmd->add_option("--engine", o->engine, "The engine (it must have [engines.<name>.launch])")->required();
  cmd->add_option("--state", o->state,
                  "Folder of the state file and default log (default: reports/engines/<scenario>)");
}

}  // namespace

Command AddEngineCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("engine", "Start or stop an engine that has [launch] (the CTest fixture pair)");
  cmd->require_subcommand(1);
  auto o = std::make_shared<EngineOptions>();
  auto* start = cmd->add_subcommand("start", "Launch the engine, wait until it is ready, leave it running");
  AddShared(start, o);
  start->add_option("--out", o->out, "Write a failed launch's verdict here (for `llmbench report`)");
  auto* stop = cmd->add_subcommand("stop", "Stop an engine started by `llmbench engine start`");
  AddShared(stop, o);
  return [o, start] { return start->parsed() ? Start(*o) : Stop(*o); };
}

}  // namespace llmbench::app
