#include "pipeline/run_case.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <optional>

#include "base/diagnostic.hpp"
#include "client/stream_client.hpp"
#include "gate/baseline.hpp"
#include "gate/json_codec.hpp"
#include "gate/thresholds.hpp"
#include "load/load_generator.hpp"
#include "pipeline/engine_process.hpp"
#include "pipeline/execute.hpp"
#include "pipeline/fit_lengths.hpp"
#include "pipeline/identify.hpp"
#include "pipeline/plan.hpp"
#include "prompt/dataset.hpp"
#include "protocol/protocol.hpp"
#include "protocol/tokenizer.hpp"

namespace llmbench::pipeline {
namespace {

constexpr auto kProbeTimeout = std::chrono::seconds(5);

load::Target ResolveTarget(const scenario::Case& c, const scenario::EnvLookup& env, EmbeddedSims& sims) {
  const scenario::Engine& e = c.engine;
  load::Target t;
  const bool sim = e.sim.has_value();
  t.protocol = sim ? e.sim->wire : e.protocol;
  const auto decoder = protocol::MakeProtocol(t.protocol);
  const std::string base = sim ? sims.UrlFor(e) : TrimSlash(e.url);
  t.base_url = base;
  t.url = base + (e.path.empty() ? std::string(decoder->default_path()) : e.path);
  t.model = e.model;
  t.force_output_length = e.force_output_length;
  // Sampling: the class's own settings, else the scenario's temperature.
  t.temperature = c.prompt_class.temperature ? c.prompt_class.temperature : c.load.temperature;
  t.top_p = c.prompt_class.top_p;
  t.top_k = c.prompt_class.top_k;
  t.seed = c.prompt_class.sampling_seed;
  t.extra_body_json = e.extra_body_json;
  t.keep_text = c.checks.needs_text();
  t.turns = c.prompt_class.turns;
  t.think_time_ns = c.prompt_class.think_time.count();
  for (const auto& [name, value] : e.headers) t.headers.push_back(name + ": " + value);
  if (!e.api_key_env.empty()) {
    const auto key = env(e.api_key_env);
    if (!key || key->empty()) {
      throw InputError(
          {{c.scenario_file, 0, 0, "engines." + e.name + ".api_key_env",
            fmt::format("environment variable {} is not set", e.api_key_env), "export it or add it to .env"}});
    }
    t.headers.push_back(decoder->AuthHeader(*key));
  }
  return t;
}

// Judges one attempt's runs.
gate::CaseVerdict JudgeAttempt(const scenario::Case& c, const CaseContext& ctx, const AttemptResult& attempt,
                               const gate::CaseData& data, const std::optional<gate::CaseData>& baseline,
                               const std::string& baseline_path) {
  gate::JudgeInput in;
  in.case_id = c.id;
  in.run_status = attempt.status;
  in.run_message = attempt.message;
  in.thresholds = gate::EvaluateThresholds(ctx.thresholds, attempt.levels);
  in.run = &data;
  in.baseline = baseline ? &*baseline : nullptr;
  in.baseline_path = baseline_path;
  in.options = ctx.options;
  return gate::Judge(in);
}

// Estimated lengths that the engine counts differently: say by how much, once per case.
void PrintEstimatedLengths(const scenario::Case& c, const std::vector<metrics::Summary>& levels) {
  constexpr double kWorthSayingPct = 1.0;
  for (const auto& level : levels) {
    const metrics::Stats* e = level.Find("input_length_error");
    if (e == nullptr || e->count == 0 || std::max(std::abs(e->min), std::abs(e->max)) < kWorthSayingPct) continue;
    fmt::print(
        "  input lengths: estimated; the engine counted {:+.1f} % on average ({:+.1f} … {:+.1f} %) against the "
        "target ({} tokens){}\n",
        e->mean, e->min, e->max, c.prompt_class.input_tokens,
        fmt::format("; [engines.{}.tokenizer] fits them exactly", c.engine.name));
    return;
  }
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

std::shared_ptr<load::RatePacer> RatePacers::For(const scenario::Engine& engine) {
  if (!engine.requests_per_minute && !engine.tokens_per_minute) return nullptr;
  auto& p = pacers_[engine.name];
  if (!p) p = std::make_shared<load::RatePacer>(engine.requests_per_minute, engine.tokens_per_minute);
  return p;
}

CaseRun RunCase(const scenario::Case& c, const CaseContext& ctx) {
  CaseRun out{{c.id, {}, "passed", ""}, {}, {}};
  report::CaseRow& row = out.row;
  out.data.case_id = c.id;
  const prompt::PromptSource prompt_source(c.prompt_class,
                                           std::filesystem::path(c.scenario_file).parent_path().string());
  const prompt::Dataset* dataset = prompt_source.dataset();
  const prompt::Trace* trace = prompt_source.trace();
  out.data.fingerprint = gate::MakeFingerprint(c, dataset != nullptr ? dataset->content_hash
                                                  : trace != nullptr ? trace->content_hash
                                                                     : 0);
  const load::Target target = ResolveTarget(c, ctx.env, ctx.sims);
  std::string baseline_path;
  std::optional<gate::CaseData> baseline;
  if (!ctx.baselines_dir.empty()) {
    baseline_path = gate::BaselinePath(ctx.baselines_dir, c.id);
    baseline = gate::LoadBaseline(baseline_path);
  }
  const auto launch_failure = ctx.launch_failures.find(c.engine.name);
  const bool launch_failed = launch_failure != ctx.launch_failures.end();
  const std::string unreachable =
      launch_failed ? launch_failure->second : client::ProbeConnect(target.url, kProbeTimeout);
  if (unreachable.empty()) {
    out.data.engine = IdentifyEngine(target);
    out.data.fingerprint.served_model = out.data.engine.model;
  }
  ctx.results.BeginCase(c, target.url, target.protocol, gate::ToJson(out.data.fingerprint),
                        gate::ToJson(out.data.engine));
  fmt::print("{} ({} at {}, {} run(s) per level)\n", c.id, target.protocol, target.url, c.load.repetitions);
  if (!out.data.engine.empty()) {
    fmt::print("  engine: {}{}{}\n", out.data.engine.engine.empty() ? "?" : out.data.engine.engine,
               out.data.engine.version.empty() ? "" : " " + out.data.engine.version,
               out.data.engine.model.empty() ? "" : ", model " + out.data.engine.model);
  }
  if (const std::string& why = unreachable; !why.empty()) {
    row.status = c.engine.required ? "failed" : "skipped";
    row.message =
        launch_failed ? why : fmt::format("engine '{}' unreachable at {}: {}", c.engine.name, target.url, why);
    fmt::print("  {}: {}\n", row.status, row.message);
    ctx.results.EndCase(row.status, row.message);
    gate::JudgeInput in;
    in.case_id = c.id;
    in.run_status = row.status;
    in.run_message = row.message;
    in.baseline_path = baseline_path;
    in.options = ctx.options;
    out.verdict = gate::Judge(in);
    return out;
  }
  const std::optional<int> engine_pid = FindLocalEngine(target.base_url);
  if (engine_pid) {
    fmt::print("  engine process: pid {} on this host (its CPU is the engine's, not a neighbour's)\n", *engine_pid);
  }
  load::LoadGenerator generator(target, c.load, ctx.session,
                                ctx.pacers != nullptr ? ctx.pacers->For(c.engine) : nullptr);
  if (c.engine.requests_per_minute || c.engine.tokens_per_minute) {
    fmt::print("  rate cap: {}{}{} (sends spread evenly; held-back time in rate_cap_wait)\n",
               c.engine.requests_per_minute ? fmt::format("{:g} requests/min", *c.engine.requests_per_minute) : "",
               c.engine.requests_per_minute && c.engine.tokens_per_minute ? ", " : "",
               c.engine.tokens_per_minute
                   ? fmt::format("{:g} tokens/min (prompt + max_tokens)", *c.engine.tokens_per_minute)
                   : "");
  }
  if (c.load.on_error != "count") {
    ctx.results.SetCaseField("on_error", {{"policy", c.load.on_error}, {"exclude_reason", c.load.exclude_reason}});
    fmt::print("  failed requests: {}\n", c.load.on_error == "exclude"
                                              ? "excluded from every statistic (" + c.load.exclude_reason + ")"
                                              : "the first one stops the case (fail_fast)");
  }
  if (dataset != nullptr) {
    ctx.results.SetCaseField("prompts", {{"source", "dataset"},
                                         {"path", dataset->path},
                                         {"entries", dataset->entries},
                                         {"within_bounds", dataset->texts.size()},
                                         {"out_of_bounds", dataset->out_of_bounds}});
    fmt::print("  prompts: sampled from {} ({} of {} entries within the length bounds){}\n", dataset->path,
               dataset->texts.size(), dataset->entries,
               c.engine.tokenizer ? "; as they are: the tokenizer fits synthesised prompts only" : "");
  }
  std::optional<LengthFitter> fitter;
  if (c.engine.tokenizer && prompt_source.resizable()) {
    const std::string url = c.engine.tokenizer->url.empty() ? target.base_url : TrimSlash(c.engine.tokenizer->url);
    fitter.emplace(*protocol::ParseTokenizerApi(c.engine.tokenizer->api), url, HeadersFor(url, target), target.model,
                   protocol::MakeProtocol(target.protocol)->sends_messages());
  } else {
    ctx.results.SetCaseField("input_lengths",
                             {{"method", "estimated"},
                              {"note",
                               "4/3 tokens per word; input_length_error is how far the engine's own count "
                               "(usage prompt_tokens) is off the target"}});
  }
  // Several client hosts cannot agree on a re-measurement: the merged results are judged once.
  const int attempts = c.gate.confirm && ctx.split == nullptr ? 2 : 1;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      fmt::print("  re-measuring to confirm ({}: {})\n", gate::ToString(out.verdict.outcome),
                 out.verdict.reasons.empty() ? "" : out.verdict.reasons.front());
    }
    const AttemptResult result =
        ExecuteAttempt(c, PlanAttempt(c, attempt, ctx.session_nonce), target, generator, ctx.results, ctx.session,
                       prompt_source, fitter ? &*fitter : nullptr, engine_pid.value_or(-1), ctx.split);
    gate::CaseData this_attempt = out.data;
    this_attempt.runs = result.runs;
    out.data.runs.insert(out.data.runs.end(), result.runs.begin(), result.runs.end());
    gate::CaseVerdict v = JudgeAttempt(c, ctx, result, this_attempt, baseline, baseline_path);
    nlohmann::json thresholds = nlohmann::json::array();
    for (const auto& t : v.thresholds) thresholds.push_back(gate::ToJson(t));
    ctx.results.SetAttempt(attempt, result.status, result.message, thresholds);
    out.verdict = attempt == 1 ? std::move(v) : gate::Confirm(out.verdict, std::move(v));
    row.levels = result.levels;
    row.status = result.status;
    row.message = result.message;
    if (!gate::NeedsConfirmation(out.verdict) || result.status != "passed") break;
  }
  if (!fitter) PrintEstimatedLengths(c, row.levels);
  ctx.results.EndCase(row.status, row.message);
  return out;
}

}  // namespace llmbench::pipeline
