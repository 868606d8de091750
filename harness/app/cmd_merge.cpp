// `llmbench merge SCENARIO HOST_RESULTS... --out DIR [--baselines DIR]`: pool the results of
// several client hosts (`llmbench run --client K/N`) into one results.json, records.jsonl and
// verdicts.json, judged like a run: thresholds on the merged levels, the baseline gate when
// --baselines is given. SCENARIO is the file the hosts ran (it gives the thresholds, SLO and
// pricing the merged summaries need).
#include <fmt/format.h>

#include <filesystem>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/gate_case.hpp"
#include "base/diagnostic.hpp"
#include "gate/baseline.hpp"
#include "gate/json_codec.hpp"
#include "gate/thresholds.hpp"
#include "pipeline/merge_clients.hpp"
#include "report/console.hpp"
#include "report/results_file.hpp"
#include "scenario/load_toml.hpp"

namespace llmbench::app {
namespace {

using nlohmann::json;

struct MergeOptions {
  std::string scenario;
  std::vector<std::string> hosts;
  std::string out = "reports/merged";
  std::string baselines;
};

const json* FindCase(const json& results, const std::string& id) {
  const auto cases = results.find("cases");  // not value(): a pointer into the results themselves
  if (cases == results.end() || !cases->is_array()) return nullptr;
  for (const auto& c : *cases) {
    if (c.value("id", "") == id) return &c;
  }
  return nullptr;
}

// Writes one merged case and judges it.
gate::CaseVerdict WriteCase(const scenario::Case& c, const pipeline::MergedCase& m, const scenario::Scenario& s,
                            const MergeOptions& o, report::ResultsFile& results) {
  scenario::Case copy = c;
  copy.only_levels = m.fields.value("selected_levels", std::vector<std::string>{});  // what the parts ran (--level)
  results.BeginCase(copy, m.fields.value("url", ""), m.fields.value("protocol", ""),
                    m.fields.value("fingerprint", json::object()), m.fields.value("engine_identity", json::object()));
  for (const char* key : {"input_lengths", "prompts", "on_error"}) {
    if (m.fields.contains(key)) results.SetCaseField(key, m.fields[key]);
  }
  gate::CaseData data;
  data.case_id = c.id;
  data.fingerprint = gate::FingerprintFromJson(m.fields.value("fingerprint", json::object()));
  data.engine = gate::EngineIdentityFromJson(m.fields.value("engine_identity", json::object()));
  for (const auto& run : m.runs) {
    for (const auto& r : run.records) {
      load::Record copy = r;
      results.StreamRecord(c.id, run.data.attempt, run.data.repetition, copy);
    }
    results.AddRun(run.data, run.summary, "", {{"merged", run.clients}});
    data.runs.push_back(run.data);
    fmt::print("{}  [run {}/{}, {} client hosts]\n", report::LevelLine(run.summary), run.data.repetition,
               c.load.repetitions, run.clients.size());
    if (!run.summary.invalid.empty()) fmt::print("  invalid: {}\n", run.summary.invalid);
  }
  results.SetLevels(m.levels);
  gate::JudgeInput in;
  in.case_id = c.id;
  in.run_status = m.status;
  in.run_message = m.message;
  in.thresholds = gate::EvaluateThresholds(s.thresholds, m.levels);
  std::optional<gate::CaseData> baseline;
  if (!o.baselines.empty()) {
    in.baseline_path = gate::BaselinePath(o.baselines, c.id);
    baseline = gate::LoadBaseline(in.baseline_path);
  }
  in.run = &data;
  in.baseline = baseline ? &*baseline : nullptr;
  in.options = GateOptionsFromEnvironment();
  gate::CaseVerdict v = gate::Judge(in);
  json thresholds = json::array();
  for (const auto& t : v.thresholds) thresholds.push_back(gate::ToJson(t));
  results.SetAttempt(1, m.status, m.message, thresholds);
  results.EndCase(m.status, m.message);
  return v;
}

int Merge(const MergeOptions& o, const std::string& command) {
  scenario::Scenario s;
  try {
    s = scenario::LoadScenarioFile(o.scenario, scenario::ProcessEnvironment());
  } catch (const InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadInput;
  }
  std::vector<gate::CaseVerdict> verdicts;
  std::vector<report::CaseRow> rows;
  try {
    const auto hosts = pipeline::ReadClientResults(o.hosts);
    const auto cases = scenario::Expand(s);
    const auto provenance =
        report::CollectProvenance(std::filesystem::path(o.scenario).parent_path().string(), command);
    report::ResultsFile results(o.out, provenance, s);
    json clients = json::array();
    for (const auto& h : hosts) {
      const json& p = h.results.value("provenance", json::object());
      clients.push_back({{"part", h.part},
                         {"results", h.path},
                         {"host", p.value("host", "")},
                         {"git_commit", p.value("git_commit", "")},
                         {"harness_version", p.value("harness_version", "")},
                         {"started_utc", p.value("started_utc", "")}});
    }
    results.SetHeaderField("merged_clients",
                           {{"of", hosts.front().of},
                            {"start_utc_ns", hosts.front().start_utc_ns},
                            {"clock", "stamps are ns since a minute before --start-at, on each host's wall clock"},
                            {"hosts", clients}});
    for (const auto& entry : hosts.front().results.value("cases", json::array())) {
      const std::string id = entry.value("id", "");
      const auto c = std::find_if(cases.begin(), cases.end(), [&](const auto& x) { return x.id == id; });
      if (c == cases.end()) {
        throw std::runtime_error(
            fmt::format("{} has no case {}: merge with the scenario file the hosts ran", o.scenario, id));
      }
      std::vector<const json*> entries;
      for (const auto& h : hosts) {
        const json* e = FindCase(h.results, id);
        if (e == nullptr)
          throw std::runtime_error(fmt::format("{} (client {}/{}) did not run {}", h.path, h.part, h.of, id));
        entries.push_back(e);
      }
      fmt::print("{} (merged from {} client hosts)\n", id, hosts.size());
      const pipeline::MergedCase m = pipeline::MergeCase(*c, hosts, entries);
      verdicts.push_back(WriteCase(*c, m, s, o, results));
      rows.push_back({id, m.levels, m.status, m.message});
      PrintVerdict(verdicts.back());
      WriteVerdicts(o.out, verdicts);
    }
    fmt::print("\n{}\nresults: {}\n", report::FinalTable(rows), results.path());
  } catch (const std::exception& e) {  // nlohmann's type errors too: a file of the wrong shape
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  if (verdicts.empty()) {
    fmt::print(stderr, "error: the client results hold no case\n");
    return kExitBadInput;
  }
  return ExitCodeFor(verdicts);
}

}  // namespace

Command AddMergeCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "merge", "Pool the results of several client hosts (`run --client K/N`) into one run's results, and judge it");
  auto o = std::make_shared<MergeOptions>();
  cmd->add_option("scenario", o->scenario, "The scenario file the hosts ran")->required();
  cmd->add_option("results", o->hosts, "Each host's output directory (or results.json)")->required();
  cmd->add_option("--out", o->out, "Output directory for the merged results.json, records.jsonl, verdicts.json")
      ->capture_default_str();
  cmd->add_option("--baselines", o->baselines, "Compare each merged case with DIR/<scenario>/<engine>/<class>.json");
  return [o] {
    std::string command = "llmbench merge " + o->scenario;
    for (const auto& h : o->hosts) command += " " + h;
    command += " --out " + o->out;
    return Merge(*o, command);
  };
}

}  // namespace llmbench::app
