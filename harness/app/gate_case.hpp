// After a case ran: thresholds, baseline comparison, verdict, and blessing a new baseline.
#pragma once

#include <optional>
#include <string>

#include "gate/verdict.hpp"
#include "report/provenance.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::app {

/// Where a case's baseline lives: DIR/<scenario>/<engine>/<class>.json.
std::string BaselinePath(const std::string& baselines_dir, const std::string& case_id);

/// Reads a baseline file; nullopt when it does not exist (a malformed one throws).
std::optional<gate::CaseData> LoadBaseline(const std::string& path);

/// Writes `data` as the baseline at `path` (directories created); provenance stamped in.
void WriteBaseline(const std::string& path, gate::CaseData data, const report::Provenance& provenance);

/// Options from the environment, so CI can set them on `ctest`: LLMBENCH_STRICT_BASELINES=1,
/// LLMBENCH_ACCEPT_REGRESSIONS=1 (e.g. from a PR label), LLMBENCH_BLESS=1.
gate::GateOptions GateOptionsFromEnvironment();
bool BlessFromEnvironment();

}  // namespace llmbench::app
