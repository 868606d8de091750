#include "pipeline/execute.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>

#include "pipeline/host_probe.hpp"
#include "pipeline/server_metrics.hpp"
#include "prompt/synthesize.hpp"
#include "report/console.hpp"

namespace llmbench::pipeline {
namespace {

std::string FirstError(const load::LevelOutcome& outcome) {
  for (const auto& r : outcome.records) {
    if (!r.warmup && r.error != load::ErrorKind::None)
      return fmt::format("{}: {}", load::ToString(r.error), r.error_message);
  }
  return "";
}

// Output tokens the measured requests brought back, failed ones included (the engine counts
// what it generated): usage where reported, else counted from the stream.
double OutputTokensReceived(const load::LevelOutcome& outcome) {
  double tokens = 0;
  for (const auto& r : outcome.records) {
    if (r.warmup) continue;
    tokens += static_cast<double>(r.completion_tokens >= 0 ? r.completion_tokens
                                  : r.token_events > 0     ? r.token_events
                                                           : static_cast<std::int64_t>(r.chunk_ns.size()));
  }
  return tokens;
}

// A run's (or a level's pooled) engine statistics into its summary.
void AddServerStats(const std::map<std::string, double>& stats, double client_tokens, metrics::Summary& s) {
  for (const auto& [key, v] : stats) s.level["server." + key] = v;
  const double server_tokens = ServerOutputTokens(stats);
  if (!std::isnan(server_tokens) && client_tokens > 0) {
    s.level["server_output_tokens_discrepancy"] = std::abs(server_tokens - client_tokens) / client_tokens;
  }
}

std::string MetricsUrl(const scenario::MetricsEndpoint& m, const load::Target& target) {
  return m.url.front() == '/' ? target.base_url + m.url : m.url;
}

// The engine's headers (its API key among them) go only to the engine itself, not to a metrics
// endpoint on another host.
std::vector<std::string> MetricsHeaders(const scenario::MetricsEndpoint& m, const load::Target& target) {
  const bool same_origin =
      m.url.front() == '/' || m.url == target.base_url || m.url.rfind(target.base_url + "/", 0) == 0;
  return same_origin ? target.headers : std::vector<std::string>{};
}

}  // namespace

metrics::Summary PoolRuns(const std::vector<const load::LevelOutcome*>& runs, const metrics::Pricing& pricing,
                          const scenario::Slo& slo) {
  load::LevelOutcome pooled;
  for (const load::LevelOutcome* o : runs) {
    pooled.concurrency = o->concurrency;
    pooled.last_done_ns += std::max<std::int64_t>(0, o->last_done_ns - o->first_start_ns);
    pooled.retries_429 += o->retries_429;
    pooled.cut_short |= o->cut_short;
    pooled.records.insert(pooled.records.end(), o->records.begin(), o->records.end());
  }
  return metrics::Summarize(pooled, pricing, slo);
}

AttemptResult ExecuteAttempt(const scenario::Case& c, const std::vector<PlannedRun>& plan, const load::Target& target,
                             load::LoadGenerator& generator, report::ResultsFile& results, const std::string& session) {
  AttemptResult out;
  const metrics::Pricing pricing{c.engine.cost_per_hour, c.engine.price_per_million_input,
                                 c.engine.price_per_million_output};
  std::map<std::int64_t, std::vector<load::LevelOutcome>> outcomes;
  std::map<std::int64_t, std::vector<std::map<std::string, double>>> server_stats;
  std::map<std::int64_t, double> client_tokens;
  std::string last_metrics_problem;
  for (const auto& level : c.load.concurrency) outcomes[level].reserve(plan.size());
  for (const PlannedRun& run : plan) {
    const auto prompts =
        prompt::SynthesizePrompts(c.prompt_class, c.load.warmup + c.load.requests, run.prompt_seed, run.nonce);
    load::Progress progress;
    progress.total = static_cast<std::int64_t>(prompts.size());
    load::LevelOutcome outcome;
    std::optional<MetricsScraper> scraper;
    if (c.engine.metrics) {
      scraper.emplace(MetricsUrl(*c.engine.metrics, target), MetricsHeaders(*c.engine.metrics, target),
                      c.engine.metrics->interval);
    }
    const HostSample before = SampleHost();
    {
      report::ProgressLine line(
          fmt::format("  concurrency {} run {}/{}", run.concurrency, run.repetition, c.load.repetitions), progress);
      outcome = generator.RunLevel(
          run.concurrency, prompts,
          [&](const load::Record& r) { results.StreamRecord(c.id, run.attempt, run.repetition, r); }, &progress,
          [&] {
            if (scraper) scraper->Begin();
          });
    }
    const HostSample after = SampleHost();
    metrics::Summary summary = metrics::Summarize(outcome, pricing, c.slo);
    std::string metrics_problem;
    if (scraper) {
      const ServerMetrics server = scraper->End();
      metrics_problem = server.problem;
      if (!server.problem.empty() && server.problem != last_metrics_problem) {
        fmt::print("  engine metrics: {}\n", server.problem);
      }
      last_metrics_problem = server.problem;
      const double received = OutputTokensReceived(outcome);
      AddServerStats(server.stats, received, summary);
      server_stats[run.concurrency].push_back(server.stats);
      // Only runs whose engine count exists, or one failed scrape would skew the pooled ratio.
      if (!std::isnan(ServerOutputTokens(server.stats))) client_tokens[run.concurrency] += received;
    }
    gate::RunData data = gate::MakeRunData(summary, outcome.records);
    data.attempt = run.attempt;
    data.repetition = run.repetition;
    data.session = session;
    data.host = Between(before, after, c.gate);
    results.AddRun(data, summary, outcome, metrics_problem);
    fmt::print("{}  [run {}/{}{}]\n", report::LevelLine(summary), run.repetition, c.load.repetitions,
               data.host.busy ? "; busy runner: " + data.host.why : "");
    std::fflush(stdout);
    if (summary.succeeded == 0 && out.status == "passed") {
      out.status = "failed";
      out.message = fmt::format("no request succeeded at concurrency {} ({})", run.concurrency, FirstError(outcome));
    }
    out.runs.push_back(std::move(data));
    outcomes[run.concurrency].push_back(std::move(outcome));
  }
  for (const auto& level : c.load.concurrency) {
    std::vector<const load::LevelOutcome*> runs;
    for (const auto& o : outcomes[level]) runs.push_back(&o);
    if (runs.empty()) continue;
    out.levels.push_back(PoolRuns(runs, pricing, c.slo));
    if (c.engine.metrics) AddServerStats(PoolServerStats(server_stats[level]), client_tokens[level], out.levels.back());
  }
  results.SetLevels(out.levels);
  return out;
}

}  // namespace llmbench::pipeline
