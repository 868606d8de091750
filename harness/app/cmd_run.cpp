// `llmbench run FILE [--engine NAME] [--class NAME] --out DIR`: run a scenario's cases.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/gate_case.hpp"
#include "base/atomic_file.hpp"
#include "base/diagnostic.hpp"
#include "base/units.hpp"
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
  // Several client hosts (pipeline/client_split.hpp).
  std::string client;       ///< "K/N"
  std::string start_at;     ///< UTC time of the first slot
  std::string slot;         ///< each run's time slot
  std::string warmup_slot;  ///< from a slot's start to its measured phase
};

// --client K/N --start-at T --slot D [--warmup-slot W]: the split, checked against the cases.
std::optional<pipeline::ClientSplit> ClientSplitFrom(const RunOptions& o, const std::vector<scenario::Case>& cases) {
  if (o.client.empty()) {
    if (!o.start_at.empty() || !o.slot.empty() || !o.warmup_slot.empty())
      throw std::invalid_argument("--start-at, --slot and --warmup-slot go with --client K/N");
    return std::nullopt;
  }
  pipeline::ClientSplit split;
  pipeline::ParseClientPart(o.client, split);
  if (o.start_at.empty() || o.slot.empty()) {
    throw std::invalid_argument(
        "--client needs --start-at (a UTC time, the same on every client host) and --slot (each run's time slot, "
        "longer than any level takes)");
  }
  split.start_utc_ns = pipeline::ParseUtcTime(o.start_at);
  const auto duration = [](const std::string& text, const char* option) {
    const auto d = ParseDuration(text);
    if (!d || d->count() < 0)
      throw std::invalid_argument(fmt::format("{} '{}': expected a duration ({})", option, text, DurationUnitsHint()));
    return d->count();
  };
  split.slot_ns = duration(o.slot, "--slot");
  if (split.slot_ns <= 0) throw std::invalid_argument("--slot must be longer than 0");
  const bool warmup = std::any_of(cases.begin(), cases.end(), [](const auto& c) { return c.load.warmup > 0; });
  // A warm-up needs time before the measured phase; by default a quarter of the slot.
  split.warmup_slot_ns = !o.warmup_slot.empty() ? duration(o.warmup_slot, "--warmup-slot")
                         : warmup               ? split.slot_ns / 4
                                                : 0;
  if (split.warmup_slot_ns >= split.slot_ns) throw std::invalid_argument("--warmup-slot must be shorter than --slot");
  if (!o.baselines.empty() || o.bless) {
    throw std::invalid_argument(
        "--baselines/--bless judge a whole level, and a client host sends only its part: judge the merged results "
        "(`llmbench merge SCENARIO HOST_DIRS... --baselines DIR`)");
  }
  for (const auto& c : cases) {
    if (const std::string why = pipeline::CannotSplit(c, split); !why.empty())
      throw std::invalid_argument(fmt::format("{}: {}", c.id, why));
    if (c.engine.launch && !o.no_launch) {
      throw std::invalid_argument(fmt::format(
          "{}: engine '{}' has [launch]: each client host would start its own; start it once (`llmbench engine "
          "start`) and run the hosts with --no-launch",
          c.id, c.engine.name));
    }
  }
  return split;
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
  // Shards blessing one case at once (ctest -j, several jobs on one checkout) read, merge and
  // write the baseline one after the other, or one shard's levels would be lost.
  const DirectoryLock lock(std::filesystem::path(path).parent_path().string());
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
    std::optional<pipeline::ClientSplit> split;
    try {
      split = ClientSplitFrom(o, cases);
    } catch (const std::invalid_argument& e) {
      fmt::print(stderr, "error: {}\n", e.what());
      if (o.out_given) WriteInvalid(o, e.what());
      return kExitBadInput;
    }
    const std::vector<scenario::ThresholdSpec> no_thresholds;
    const auto provenance = report::CollectProvenance(std::filesystem::path(o.file).parent_path().string(), o.command);
    report::ResultsFile results(o.out, provenance, s);
    pipeline::EmbeddedSims sims;
    pipeline::RatePacers pacers;
    const std::uint64_t nonce = RandomNonce();
    // A client host's part is not judged: thresholds and the baseline read the merged levels.
    pipeline::CaseContext context{env,         sims,
                                  results,     fmt::format("{:08x}", nonce >> 32),
                                  nonce,       split ? no_thresholds : s.thresholds,
                                  o.baselines, GateOptionsFromEnvironment()};
    context.pacers = &pacers;
    if (split) {
      context.split = &*split;
      results.SetHeaderField("client", {{"part", split->part + 1},
                                        {"of", split->of},
                                        {"start_utc", pipeline::FormatUtcTime(split->start_utc_ns)},
                                        {"start_utc_ns", split->start_utc_ns},
                                        {"slot_ns", split->slot_ns},
                                        {"warmup_slot_ns", split->warmup_slot_ns}});
      fmt::print("{}: sends units u with u mod {} = {} of every level; run j starts at {} + j × {}{}\n\n",
                 split->Name(), split->of, split->part, pipeline::FormatUtcTime(split->start_utc_ns),
                 FormatDuration(Nanoseconds(split->slot_ns)),
                 split->warmup_slot_ns > 0
                     ? fmt::format(", its measured phase {} later", FormatDuration(Nanoseconds(split->warmup_slot_ns)))
                     : "");
    }
    std::int64_t slots_before = 0;  // every host counts the same slots, whatever happens to a case
    const bool bless = (o.bless || BlessFromEnvironment()) && !o.baselines.empty();
    pipeline::EngineLifecycle launcher(cases, o.no_launch, o.out + "/engines");
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto& c = cases[i];
      if (split) split->next_slot = slots_before;
      slots_before += pipeline::SlotsOf(c);
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
    if (split) {
      fmt::print("{}: these are one host's part of the load; judge the hosts' results together with `llmbench merge`\n",
                 split->Name());
    }
  } catch (const InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadInput;
  } catch (const WriteError& e) {
    // The disk stopped taking results mid-run: what reached it stays whole and readable.
    fmt::print(stderr,
               "error: {}\nthe run stopped; {}/results.json keeps every level completed before its last rewrite, and "
               "records.jsonl every complete record\n",
               e.what(), o.out);
    return kExitMeasurementFailed;
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
  cmd->add_option("--client", o->client,
                  "K/N: this is client host K of N sending to one engine (each sends its part of every level; "
                  "`llmbench merge` pools them)");
  cmd->add_option("--start-at", o->start_at,
                  "With --client: UTC time of the first run's slot, the same on every host (2026-12-07T06:30:00Z)");
  cmd->add_option("--slot", o->slot, "With --client: each run's time slot (e.g. 90s), longer than any level takes");
  cmd->add_option("--warmup-slot", o->warmup_slot,
                  "With --client: from a slot's start to its measured phase (default: a quarter of the slot when "
                  "there is a warm-up, else 0)");
  cmd->add_flag("--no-launch", o->no_launch,
                "Do not start engines that have [launch]: they are running already (`llmbench engine start`)");
  return [o, out] {
    o->out_given = out->count() > 0;
    o->command = "llmbench run " + o->file + " --out " + o->out;
    for (const auto& e : o->engines) o->command += " --engine " + e;
    for (const auto& c : o->classes) o->command += " --class " + c;
    for (const auto& l : o->levels) o->command += " --level " + l;
    if (!o->client.empty()) o->command += " --client " + o->client;
    return Run(*o);
  };
}

}  // namespace llmbench::app
