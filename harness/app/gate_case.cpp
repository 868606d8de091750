#include "app/gate_case.hpp"

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

}  // namespace llmbench::app
