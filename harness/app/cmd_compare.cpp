// `llmbench compare BASELINE RESULTS`: judge a results file against a baseline with the same
// judge as `llmbench run --baselines` (gate::Judge, and gate::Confirm when the results hold a
// confirming attempt), so both give the same verdicts on the same data. BASELINE is a baseline
// file, a baselines directory, or another results.json (pooled as a blessing would pool it).
// Each attempt is judged with the status and threshold results the run recorded, and the same
// environment options (LLMBENCH_ACCEPT_REGRESSIONS, LLMBENCH_STRICT_BASELINES).
#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/gate_case.hpp"
#include "base/atomic_file.hpp"
#include "gate/baseline.hpp"
#include "gate/json_codec.hpp"
#include "gate/verdict.hpp"
#include "report/format.hpp"

namespace llmbench::app {
namespace {

namespace fs = std::filesystem;

struct CompareOptions {
  std::string baseline;
  std::string results;
  std::string verdicts;  ///< write the verdicts here too ("" = no)
};

// The baseline of `case_id` from whatever BASELINE is; sets `path` to where it came from.
std::optional<gate::CaseData> FindBaseline(const std::string& a, const std::string& case_id,
                                           const std::map<std::string, gate::CaseData>& from_file, std::string& path) {
  if (fs::is_directory(a)) {
    path = gate::BaselinePath(a, case_id);
    return gate::LoadBaseline(path);
  }
  path = a;
  if (const auto it = from_file.find(case_id); it != from_file.end()) return it->second;
  if (from_file.size() == 1) return from_file.begin()->second;  // one baseline file: compare whatever case it is
  return std::nullopt;
}

int Compare(const CompareOptions& o) {
  std::map<std::string, gate::CaseData> from_file;
  std::vector<gate::CaseData> runs;
  try {
    if (!fs::is_directory(o.baseline)) {
      const auto j = gate::ReadJsonFile(o.baseline);
      if (j.value("schema", "").rfind("llmbench-baseline/", 0) == 0) {
        auto b = gate::BaselineFromJson(j);
        from_file.emplace(b.case_id, std::move(b));
      } else {
        for (auto& c : gate::CasesFromResults(j)) from_file.emplace(c.case_id, gate::BuildBaseline({c}));
      }
    }
    runs = gate::CasesFromResults(gate::ReadJsonFile(o.results));
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  std::vector<gate::CaseVerdict> verdicts;
  for (const auto& run : runs) {
    std::string path;
    std::optional<gate::CaseData> baseline;
    try {
      baseline = FindBaseline(o.baseline, run.case_id, from_file, path);
    } catch (const std::exception& e) {
      fmt::print(stderr, "error: {}\n", e.what());
      return kExitBadInput;
    }
    // Each attempt as the run judged it: its status, its threshold results, the same options.
    gate::CaseVerdict v;
    for (int attempt = 1; attempt <= run.LastAttempt(); ++attempt) {
      const gate::CaseData data = run.Attempt(attempt);
      if (data.runs.empty()) continue;
      const auto info = run.attempts.count(attempt) ? run.attempts.at(attempt) : gate::AttemptInfo{};
      gate::JudgeInput in;
      in.case_id = run.case_id;
      in.run_status = info.status;
      in.run_message = info.message;
      in.thresholds = info.thresholds;
      in.run = &data;
      in.baseline = baseline ? &*baseline : nullptr;
      in.baseline_path = path;
      in.options = GateOptionsFromEnvironment();
      gate::CaseVerdict next = gate::Judge(in);
      v = attempt == 1 ? std::move(next) : gate::Confirm(v, std::move(next));
    }
    fmt::print("{}: {}{}\n", run.case_id, gate::ToString(v.outcome),
               v.attempt > 1 ? fmt::format(" (attempt {})", v.attempt) : "");
    if (v.baseline_state != "compared") fmt::print("  baseline {}: {}\n", v.baseline_state, v.baseline_detail);
    for (const auto& c : v.comparisons)
      fmt::print("  {:<22} {:<7} {}\n", report::MetricLabel(c), scenario::ShortLabel(c.load_level),
                 report::DescribeComparison(c));
    for (const auto& r : v.reasons) fmt::print("  - {}\n", r);
    for (const auto& n : v.notes) fmt::print("  - note: {}\n", n);
    verdicts.push_back(std::move(v));
  }
  if (verdicts.empty()) {
    fmt::print(stderr, "error: {} holds no case that ran: nothing to judge\n", o.results);
    return kExitBadInput;
  }
  if (!o.verdicts.empty()) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& v : verdicts) all.push_back(gate::ToJson(v));
    WriteFileAtomically(o.verdicts, [&](std::ostream& out) { out << gate::DumpJson(all, 1) << '\n'; });
  }
  return ExitCodeFor(verdicts);
}

}  // namespace

Command AddCompareCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "compare", "Judge results against a baseline (file, directory, or another results.json) like `run --baselines`");
  auto o = std::make_shared<CompareOptions>();
  cmd->add_option("baseline", o->baseline, "Baseline file, baselines directory, or a results.json")->required();
  cmd->add_option("results", o->results, "Candidate results.json")->required();
  cmd->add_option("--verdicts", o->verdicts, "Also write the verdicts as JSON to this file");
  return [o] { return Compare(*o); };
}

}  // namespace llmbench::app
