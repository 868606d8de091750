#include "app/run_case.hpp"

#include <fmt/format.h>

#include "base/diagnostic.hpp"
#include "client/stream_client.hpp"
#include "gate/json_codec.hpp"
#include "load/load_generator.hpp"
#include "metrics/summary.hpp"
#include "prompt/synthesize.hpp"
#include "protocol/protocol.hpp"

namespace llmbench::app {
namespace {

constexpr auto kProbeTimeout = std::chrono::seconds(5);

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

load::Target ResolveTarget(const scenario::Case& c, const scenario::EnvLookup& env, EmbeddedSims& sims) {
  const scenario::Engine& e = c.engine;
  load::Target t;
  const bool sim = e.sim.has_value();
  t.protocol = sim ? e.sim->wire : e.protocol;
  const auto decoder = protocol::MakeProtocol(t.protocol);
  const std::string base = sim ? sims.UrlFor(e) : TrimSlash(e.url);
  t.url = base + (e.path.empty() ? std::string(decoder->default_path()) : e.path);
  t.model = e.model;
  t.force_output_length = e.force_output_length;
  t.temperature = c.load.temperature;
  t.extra_body_json = e.extra_body_json;
  for (const auto& [name, value] : e.headers) t.headers.push_back(name + ": " + value);
  if (!e.api_key_env.empty()) {
    const auto key = env(e.api_key_env);
    if (!key || key->empty()) {
      throw InputError(
          {{c.scenario_file, 0, 0, "engines." + e.name + ".api_key_env",
            fmt::format("environment variable {} is not set", e.api_key_env), "export it or add it to .env"}});
    }
    t.headers.push_back("Authorization: Bearer " + *key);
  }
  return t;
}

// Different prompts per level (no cross-level prefix-cache hits), the same for every engine.
std::uint64_t LevelSeed(std::uint64_t case_seed, std::int64_t concurrency) {
  return case_seed ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(concurrency + 1));
}

std::string FirstError(const load::LevelOutcome& outcome) {
  for (const auto& r : outcome.records) {
    if (!r.warmup && r.error != load::ErrorKind::None)
      return fmt::format("{}: {}", load::ToString(r.error), r.error_message);
  }
  return "";
}

}  // namespace

std::string EmbeddedSims::UrlFor(const scenario::Engine& engine) {
  auto& server = servers_[engine.name];
  if (!server) {
    sim::SimServerOptions options;
    options.settings = *engine.sim;
    server = std::make_unique<sim::SimServer>(options);
    server->Start();
  }
  return fmt::format("http://127.0.0.1:{}", server->port());
}

CaseRun RunCase(const scenario::Case& c, const scenario::EnvLookup& env, EmbeddedSims& sims,
                report::ResultsFile& results, const std::string& run_id) {
  CaseRun out{{c.id, {}, "passed", ""}, {}};
  report::CaseRow& row = out.row;
  out.data.case_id = c.id;
  out.data.fingerprint = gate::MakeFingerprint(c);
  const load::Target target = ResolveTarget(c, env, sims);
  results.BeginCase(c, target.url, target.protocol, gate::ToJson(out.data.fingerprint));
  fmt::print("{} ({} at {})\n", c.id, target.protocol, target.url);
  if (const std::string why = client::ProbeConnect(target.url, kProbeTimeout); !why.empty()) {
    row.status = c.engine.required ? "failed" : "skipped";
    row.message = fmt::format("engine '{}' unreachable at {}: {}", c.engine.name, target.url, why);
    fmt::print("  {}: {}\n", row.status, row.message);
    results.EndCase(row.status, row.message);
    return out;
  }
  load::LoadGenerator generator(target, c.load, run_id);
  const metrics::Pricing pricing{c.engine.cost_per_hour, c.engine.price_per_million_input,
                                 c.engine.price_per_million_output};
  for (const std::int64_t concurrency : c.load.concurrency) {
    const auto prompts = prompt::SynthesizePrompts(c.prompt_class, c.load.warmup + c.load.requests,
                                                   LevelSeed(c.prompt_seed, concurrency));
    load::Progress progress;
    progress.total = static_cast<std::int64_t>(prompts.size());
    load::LevelOutcome outcome;
    {
      report::ProgressLine line(fmt::format("  concurrency {}", concurrency), progress);
      outcome = generator.RunLevel(
          concurrency, prompts, [&](const load::Record& r) { results.StreamRecord(c.id, r); }, &progress);
    }
    const metrics::Summary summary = metrics::Summarize(outcome, pricing, c.slo);
    results.AddLevel(summary, outcome);
    fmt::print("{}\n", report::LevelLine(summary));
    std::fflush(stdout);
    if (summary.succeeded == 0) {
      row.status = "failed";
      row.message = fmt::format("no request succeeded at concurrency {} ({})", concurrency, FirstError(outcome));
    }
    row.levels.push_back(summary);
    out.data.levels.push_back(gate::MakeLevelData(summary, outcome.records));
  }
  results.EndCase(row.status, row.message);
  return out;
}

}  // namespace llmbench::app
