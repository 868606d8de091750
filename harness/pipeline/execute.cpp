#include "pipeline/execute.hpp"

#include <fmt/format.h>

#include <map>

#include "pipeline/host_probe.hpp"
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

AttemptResult ExecuteAttempt(const scenario::Case& c, const std::vector<PlannedRun>& plan,
                             load::LoadGenerator& generator, report::ResultsFile& results, const std::string& session) {
  AttemptResult out;
  const metrics::Pricing pricing{c.engine.cost_per_hour, c.engine.price_per_million_input,
                                 c.engine.price_per_million_output};
  std::map<std::int64_t, std::vector<load::LevelOutcome>> outcomes;
  for (const auto& level : c.load.concurrency) outcomes[level].reserve(plan.size());
  for (const PlannedRun& run : plan) {
    const auto prompts =
        prompt::SynthesizePrompts(c.prompt_class, c.load.warmup + c.load.requests, run.prompt_seed, run.nonce);
    load::Progress progress;
    progress.total = static_cast<std::int64_t>(prompts.size());
    load::LevelOutcome outcome;
    const HostSample before = SampleHost();
    {
      report::ProgressLine line(
          fmt::format("  concurrency {} run {}/{}", run.concurrency, run.repetition, c.load.repetitions), progress);
      outcome = generator.RunLevel(
          run.concurrency, prompts,
          [&](const load::Record& r) { results.StreamRecord(c.id, run.attempt, run.repetition, r); }, &progress);
    }
    const HostSample after = SampleHost();
    const metrics::Summary summary = metrics::Summarize(outcome, pricing, c.slo);
    gate::RunData data = gate::MakeRunData(summary, outcome.records);
    data.attempt = run.attempt;
    data.repetition = run.repetition;
    data.session = session;
    data.host = Between(before, after, c.gate);
    results.AddRun(data, summary, outcome);
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
    if (!runs.empty()) out.levels.push_back(PoolRuns(runs, pricing, c.slo));
  }
  results.SetLevels(out.levels);
  return out;
}

}  // namespace llmbench::pipeline
