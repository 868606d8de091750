// What run and merge share about a verdict: gate options from the environment (so CI can set
// them on `ctest`), verdicts.json, the verdict printed.
#pragma once

#include <string>
#include <vector>

#include "gate/verdict.hpp"

namespace llmbench::app {

/// LLMBENCH_STRICT_BASELINES=1, LLMBENCH_ACCEPT_REGRESSIONS=1 (e.g. from a PR label).
gate::GateOptions GateOptionsFromEnvironment();
/// LLMBENCH_BLESS=1: write each case's runs as its new baseline.
bool BlessFromEnvironment();

/// DIR/verdicts.json: one verdict per case, rewritten after each case.
void WriteVerdicts(const std::string& dir, const std::vector<gate::CaseVerdict>& verdicts);
/// Printed where people look (the ctest output of the case): the outcome, its reasons, and
/// what was not gated or left out.
void PrintVerdict(const gate::CaseVerdict& v);

}  // namespace llmbench::app
