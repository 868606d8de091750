#include "app/gate_case.hpp"

#include "base/atomic_file.hpp"
#include "gate/json_codec.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <string>

namespace llmbench::app {
namespace {

bool EnvFlag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string(v) != "0" && std::string(v) != "false";
}

}  // namespace

gate::GateOptions GateOptionsFromEnvironment() {
  return {EnvFlag("LLMBENCH_STRICT_BASELINES"), EnvFlag("LLMBENCH_ACCEPT_REGRESSIONS")};
}

bool BlessFromEnvironment() { return EnvFlag("LLMBENCH_BLESS"); }

void WriteVerdicts(const std::string& dir, const std::vector<gate::CaseVerdict>& verdicts) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& v : verdicts) all.push_back(gate::ToJson(v));
  WriteFileAtomically(dir + "/verdicts.json", [&](std::ostream& out) { out << gate::DumpJson(all, 1) << '\n'; });
}

void PrintVerdict(const gate::CaseVerdict& v) {
  fmt::print("  verdict: {}{}{}\n", gate::ToString(v.outcome), v.acknowledged ? " (acknowledged regression)" : "",
             v.attempt > 1 ? fmt::format(" (attempt {})", v.attempt) : "");
  for (const auto& r : v.reasons) fmt::print("    - {}\n", r);
  for (const auto& n : v.notes) fmt::print("    - note: {}\n", n);
  if (v.baseline_state == "missing")
    fmt::print("    - no baseline yet ({}): passes; bless with LLMBENCH_BLESS=1\n", v.baseline_detail);
  if (v.baseline_state == "mismatch") fmt::print("    - baseline not comparable: {}\n", v.baseline_detail);
}

}  // namespace llmbench::app
