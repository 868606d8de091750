#include "pipeline/identify.hpp"

#include <chrono>

#include "base/clock.hpp"
#include "client/stream_client.hpp"

namespace llmbench::pipeline {

namespace {
constexpr auto kPerRequest = std::chrono::seconds(2);
constexpr std::int64_t kBudgetNs = 5'000'000'000;
}  // namespace

protocol::EngineIdentity IdentifyEngine(const load::Target& target) {
  protocol::EngineIdentity identity;
  const std::int64_t start = NowNs();
  for (const auto& path : protocol::IdentityPaths()) {
    if (NowNs() - start > kBudgetNs) break;  // a server that hangs on these costs seconds, not minutes
    const auto got = client::HttpGet(target.base_url + path, target.headers, kPerRequest);
    if (got.status == 200) protocol::ReadIdentity(path, got.body, target.model, identity);
  }
  return identity;
}

}  // namespace llmbench::pipeline
