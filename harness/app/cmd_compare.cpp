// `llmbench compare A B`: compare two results files case by case, through the same code path
// as the ctest gate (A plays the baseline).
#include <fmt/format.h>

#include <map>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "gate/json_codec.hpp"
#include "gate/verdict.hpp"
#include "report/format.hpp"

namespace llmbench::app {
namespace {

int Compare(const std::string& a_path, const std::string& b_path) {
  std::vector<gate::CaseData> a, b;
  try {
    a = gate::CasesFromResults(gate::ReadJsonFile(a_path));
    b = gate::CasesFromResults(gate::ReadJsonFile(b_path));
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  std::map<std::string, const gate::CaseData*> baseline;
  for (const auto& c : a) baseline[c.case_id] = &c;
  bool regressed = false;
  for (const auto& run : b) {
    const auto it = baseline.find(run.case_id);
    if (it == baseline.end()) {
      fmt::print("{}: only in {}\n", run.case_id, b_path);
      continue;
    }
    fmt::print("{}\n", run.case_id);
    if (const auto why = gate::FingerprintMismatch(it->second->fingerprint, run.fingerprint); !why.empty()) {
      fmt::print("  not comparable: {}\n", why);
      continue;
    }
    for (const auto& c : gate::CompareCases(*it->second, run)) {
      fmt::print("  {:<22} c={:<5} {}\n", report::MetricLabel(c), c.concurrency, report::DescribeComparison(c));
      regressed |= c.verdict == gate::Change::Regressed;
    }
  }
  return regressed ? kExitMeasurementFailed : kExitOk;
}

}  // namespace

Command AddCompareCommand(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("compare", "Compare results B with results A (A as the baseline); exit 1 on a regression");
  auto a = std::make_shared<std::string>();
  auto b = std::make_shared<std::string>();
  cmd->add_option("a", *a, "Baseline results.json")->required();
  cmd->add_option("b", *b, "Candidate results.json")->required();
  return [a, b] { return Compare(*a, *b); };
}

}  // namespace llmbench::app
