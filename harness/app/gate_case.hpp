// Gate options from the environment, so CI can set them on `ctest`.
#pragma once

#include "gate/verdict.hpp"

namespace llmbench::app {

/// LLMBENCH_STRICT_BASELINES=1, LLMBENCH_ACCEPT_REGRESSIONS=1 (e.g. from a PR label).
gate::GateOptions GateOptionsFromEnvironment();
/// LLMBENCH_BLESS=1: write each case's runs as its new baseline.
bool BlessFromEnvironment();

}  // namespace llmbench::app
