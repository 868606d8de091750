// `llmbench run FILE [--engine NAME] [--class NAME] --out DIR`: run a scenario's cases.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/gate_case.hpp"
#include "base/atomic_file.hpp"
#include "base/diagnostic.hpp"
#include "gate/baseline.hpp"
#include "gate/json_codec.hpp"
#include "pipeline/engine_lifecycle.hpp"
#include "pipeline/run_case.hpp"
#include "scenario/load_toml.hpp"

namespace llmbench::app {
namespace {

struct RunOptions {
  std::string file;
  std::vector<std::string> engines;
  std::vector<std::string> classes;
  std::vector<std::string> levels;  ///< --level: only these levels (SelectionTag) of each case
  std::string out = "reports/run";
  std::string baselines;   ///< compare with DIR/<scenario>/<engine>/<class>.json ("" = no comparison)
  bool bless = false;      ///< write this run's data as the new baselines
  bool out_given = false;  ///< --out was on the command line (then even bad input leaves a verdict)
  bool no_launch = false;  ///< engines with [launch] are already running (a CTest fixture started them)
  std::string command;
};

// verdicts.json: one verdict per case of this run, rewritten after each case.
void WriteVerdicts(const std::string& dir, const std::vector<gate::CaseVerdict>& verdicts) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& v : verdicts) all.push_back(gate::ToJson(v));
  WriteFileAtomically(dir + "/verdicts.json", [&](std::ostream& out) { out << gate::DumpJson(all, 1) << '\n'; });
}

// A scenario that does not load is an error verdict, so the merged report shows it.
void WriteInvalid(const RunOptions& o, const std::string& errors) {
  gate::CaseVerdict v;
  v.case_id = std::filesystem::path(o.file).stem().string() + "/invalid-scenario";
  v.outcome = gate::Outcome::Error;
  v.reasons.push_back(errors);
  v.baseline_state = "not compared";
  WriteVerdicts(o.out, {v});
}

// Printed where people look (the ctest output of the case): the outcome, its reasons, and what
// was not gated or left out.
void PrintVerdict(const gate::CaseVerdict& v) {
  fmt::print("  verdict: {}{}{}\n", gate::ToString(v.outcome), v.acknowledged ? " (acknowledged regression)" : "",
             v.attempt > 1 ? fmt::format(" (attempt {})", v.attempt) : "");
  for (const auto& r : v.reasons) fmt::print("    - {}\n", r);
  for (const auto& n : v.notes) fmt::print("    - note: {}\n", n);
  if (v.baseline_state == "missing")
    fmt::print("    - no baseline yet ({}): passes; bless with LLMBENCH_BLESS=1\n", v.baseline_detail);
  if (v.baseline_state == "mismatch") fmt::print("    - baseline not comparable: {}\n", v.baseline_detail);
}

// Keeps the cases selected by --engine/--class; an unknown name is bad input.
std::vector<scenario::Case> Select(const scenario::Scenario& s, const RunOptions& o) {
  const auto check = [&](const std::vector<std::string>& wanted, const std::vector<std::string>& known,
                         const char* what) {
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
  std::vector<std::string> tags;  // every level of the selected cases, for --level
  for (auto& c : scenario::Expand(s)) {
    const bool engine_ok = o.engines.empty() || std::count(o.engines.begin(), o.engines.end(), c.engine.name);
    const bool class_ok = o.classes.empty() || std::count(o.classes.begin(), o.classes.end(), c.prompt_class.name);
    if (!engine_ok || !class_ok) continue;
    // --level: the case runs the selected levels it has; a case with none of them does not run.
    c.only_levels = o.levels;
    for (const auto& tag : c.LevelTags()) {
      if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
    }
    const auto levels = c.AllLevels();
    if (std::any_of(levels.begin(), levels.end(), [&](const auto& l) { return c.Selected(l); }))
      out.push_back(std::move(c));
  }
  check(o.levels, tags, "level");
  return out;
}

std::uint64_t RandomNonce() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

// Writes this invocation's runs of the case (its last attempt) as the case's baseline.
void Bless(const pipeline::CaseRun& run, const RunOptions& o, const report::Provenance& provenance) {
  gate::CaseData session = run.data;
  session.commit = provenance.git_commit;
  session.date = provenance.started_utc;
  session.host = provenance.host;
  gate::CaseData baseline = gate::BuildBaseline({session});
  const std::string path = gate::BaselinePath(o.baselines, run.data.case_id);
  // Some of the case's levels (--level): the baseline's other levels stay, blessed by their own runs.
  std::size_t kept = 0;
  if (!o.levels.empty()) {
    if (const auto old = gate::LoadBaseline(path);
        old && gate::FingerprintMismatch(old->fingerprint, baseline.fingerprint).empty()) {
      const auto ran = baseline.Levels();
      for (const auto& r : old->runs) {
        if (std::count(ran.begin(), ran.end(), r.load_level) == 0) {
          baseline.runs.push_back(r);
          ++kept;
        }
      }
    }
  }
  gate::WriteBaseline(path, baseline);
  fmt::print(
      "  blessed: wrote baseline {} ({} runs of one session{}; bless from several sessions with `llmbench "
      "baseline update`)\n",
      path, baseline.runs.size() - kept, kept > 0 ? fmt::format(", and {} runs of its other levels kept", kept) : "");
}

int Run(const RunOptions& o) {
  const auto env = scenario::ProcessEnvironment();
  std::vector<report::CaseRow> rows;
  std::vector<gate::CaseVerdict> verdicts;
  scenario::Scenario s;
  try {
    s = scenario::LoadScenarioFile(o.file, env);
  } catch (const InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    if (o.out_given) WriteInvalid(o, e.what());
    return kExitBadInput;
  }
  try {
    const auto cases = Select(s, o);
    const auto provenance = report::CollectProvenance(std::filesystem::path(o.file).parent_path().string(), o.command);
    report::ResultsFile results(o.out, provenance, s);
    pipeline::EmbeddedSims sims;
    pipeline::RatePacers pacers;
    const std::uint64_t nonce = RandomNonce();
    pipeline::CaseContext context{env,   sims,         results,     fmt::format("{:08x}", nonce >> 32),
                                  nonce, s.thresholds, o.baselines, GateOptionsFromEnvironment()};
    context.pacers = &pacers;
    const bool bless = (o.bless || BlessFromEnvironment()) && !o.baselines.empty();
    pipeline::EngineLifecycle launcher(cases, o.no_launch, o.out + "/engines");
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto& c = cases[i];
      launcher.Before(c, context.launch_failures);
      const pipeline::CaseRun run = pipeline::RunCase(c, context);
      launcher.After(i, c);
      rows.push_back(run.row);
      verdicts.push_back(run.verdict);
      PrintVerdict(verdicts.back());
      if (bless && !run.data.runs.empty() && run.row.status == "passed") Bless(run, o, provenance);
      WriteVerdicts(o.out, verdicts);
    }
    fmt::print("\n{}\nresults: {}\n", report::FinalTable(rows), results.path());
  } catch (const InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadInput;
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  return ExitCodeFor(verdicts);
}

}  // namespace

Command AddRunCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run a scenario's cases and write results.json");
  auto o = std::make_shared<RunOptions>();
  cmd->add_option("file", o->file, "Scenario TOML file")->required();
  cmd->add_option("--engine", o->engines, "Only these engines (repeatable)");
  cmd->add_option("--class", o->classes, "Only these prompt classes (repeatable)");
  cmd->add_option("--level", o->levels,
                  "Only these levels (repeatable): c8 (concurrency 8), r10 (rate 10 req/s), t1 (a trace), sweep, "
                  "search. Each case runs the ones it has; its baseline is the whole case's");
  auto* out = cmd->add_option("--out", o->out, "Output directory for results.json, records.jsonl, verdicts.json")
                  ->capture_default_str();
  cmd->add_option("--baselines", o->baselines, "Compare each case with DIR/<scenario>/<engine>/<class>.json");
  cmd->add_flag("--bless", o->bless, "Write this run's results as the baselines (also: LLMBENCH_BLESS=1)");
  cmd->add_flag("--no-launch", o->no_launch,
                "Do not start engines that have [launch]: they are running already (`llmbench engine start`)");
  return [o, out] {
    o->out_given = out->count() > 0;
    o->command = "llmbench run " + o->file + " --out " + o->out;
    for (const auto& e : o->engines) o->command += " --engine " + e;
    for (const auto& c : o->classes) o->command += " --class " + c;
    for (const auto& l : o->levels) o->command += " --level " + l;
    return Run(*o);
  };
}

}  // namespace llmbench::app
