// libFuzzer target: the TOML scenario loader. Any text either loads or throws InputError (a
// message naming file:line:column and the key); nothing else escapes. A scenario that loads also
// expands into cases, and its canonical TOML (what `llmbench validate --print` shows) loads again.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "base/diagnostic.hpp"
#include "scenario/expand.hpp"
#include "scenario/load_toml.hpp"
#include "scenario/to_toml.hpp"

using namespace llmbench;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const scenario::EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "LLMBENCH_FUZZ_VAR") return "42";
    return std::nullopt;
  };
  scenario::Scenario s;
  try {
    s = scenario::LoadScenarioText(text, "fuzz.toml", env);
  } catch (const InputError&) {
    return 0;
  }
  (void)scenario::Expand(s);
  (void)scenario::ToJson(s);
  const std::string canonical = scenario::ToToml(s);
  try {
    (void)scenario::LoadScenarioText(canonical, "fuzz-canonical.toml", env);
  } catch (const InputError& e) {
    std::fprintf(stderr, "the canonical TOML of a valid scenario does not load: %s\n---\n%s\n", e.what(),
                 canonical.c_str());
    std::abort();
  }
  return 0;
}
