// libFuzzer target: the engine's non-stream answers llmbench reads: identity endpoints (/v1/models,
// /props, /version, /info, /api/version, /api/tags) and tokenizer replies (count and chat
// template). The first byte picks the endpoint; the body is the rest. Never throws.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "protocol/identity.hpp"
#include "protocol/tokenizer.hpp"

using namespace llmbench::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const auto& paths = IdentityPaths();
    EngineIdentity identity;
    ReadIdentity(paths[data[0] % paths.size()], body, data[0] & 0x80 ? "llmbench-sim" : "", identity);
    const auto& apis = TokenizerApiNames();
    const auto api = ParseTokenizerApi(apis[data[0] % apis.size()]);
    if (!api) std::abort();
    std::string error;
    const auto count = ReadTokenCount(*api, data[0] & 0x40, body, error);
    if (!count && error.empty()) std::abort();  // no count says why
    error.clear();
    (void)ReadTemplatedPrompt(body, error);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "a %s threw: %s\n", "reader", e.what());
    std::abort();
  } catch (...) {
    std::abort();
  }
  return 0;
}
