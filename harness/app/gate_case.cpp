#include "app/gate_case.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/atomic_file.hpp"
#include "gate/json_codec.hpp"

namespace llmbench::app {
namespace {

bool EnvFlag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string(v) != "0" && std::string(v) != "false";
}

}  // namespace

std::string BaselinePath(const std::string& baselines_dir, const std::string& case_id) {
  return (std::filesystem::path(baselines_dir) / (case_id + ".json")).string();
}

std::optional<gate::CaseData> LoadBaseline(const std::string& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  try {
    return gate::BaselineFromJson(gate::ReadJsonFile(path));
  } catch (const std::exception& e) {
    throw std::runtime_error("baseline " + path + ": " + e.what());
  }
}

void WriteBaseline(const std::string& path, gate::CaseData data, const report::Provenance& provenance) {
  data.commit = provenance.git_commit;
  data.date = provenance.started_utc;
  data.host = provenance.host;
  // Indented, one sample per line: a reviewable diff when a baseline is blessed.
  WriteFileAtomically(path, [&](std::ostream& out) { out << gate::BaselineToJson(data).dump(1) << '\n'; });
}

gate::GateOptions GateOptionsFromEnvironment() {
  return {EnvFlag("LLMBENCH_STRICT_BASELINES"), EnvFlag("LLMBENCH_ACCEPT_REGRESSIONS")};
}

bool BlessFromEnvironment() { return EnvFlag("LLMBENCH_BLESS"); }

}  // namespace llmbench::app
