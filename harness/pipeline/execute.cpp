#include "pipeline/execute.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "gate/json_codec.hpp"
#include "pipeline/check_answers.hpp"
#include "pipeline/gpu_probe.hpp"
#include "pipeline/host_probe.hpp"
#include "pipeline/server_metrics.hpp"
#include "pipeline/slo_search.hpp"
#include "prompt/synthesize.hpp"
#include "report/console.hpp"

namespace llmbench::pipeline {
namespace {

// nvidia-smi's sampling period during a run (its own -lms; it costs the host little).
constexpr std::chrono::milliseconds kGpuSampleEvery{500};

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

// The engine's CPU and memory on this host (when it runs here) into a run's summary.
void AddEngineResources(const gate::HostLoad& host, metrics::Summary& s) {
  if (!std::isnan(host.engine_cores)) s.level["engine_cpu"] = host.engine_cores;
  if (!std::isnan(host.engine_rss_mib)) s.level["engine_rss"] = host.engine_rss_mib;
  if (!std::isnan(host.gpu_utilization)) s.level["gpu_utilization"] = host.gpu_utilization;
  if (!std::isnan(host.gpu_memory_mib)) s.level["gpu_memory"] = host.gpu_memory_mib;
}

// A level's: the mean CPU over its runs, the largest memory.
void PoolEngineResources(const std::vector<gate::RunData>& runs, const scenario::Level& level, metrics::Summary& s) {
  double cores = 0, rss = -1, gpu = 0, gpu_memory = -1;
  int n = 0, gpu_runs = 0;
  for (const auto& r : runs) {
    if (r.load_level != level) continue;
    if (!std::isnan(r.host.engine_cores)) {
      cores += r.host.engine_cores;
      ++n;
    }
    if (!std::isnan(r.host.engine_rss_mib)) rss = std::max(rss, r.host.engine_rss_mib);
    if (!std::isnan(r.host.gpu_utilization)) {
      gpu += r.host.gpu_utilization;
      ++gpu_runs;
    }
    if (!std::isnan(r.host.gpu_memory_mib)) gpu_memory = std::max(gpu_memory, r.host.gpu_memory_mib);
  }
  if (n > 0) s.level["engine_cpu"] = cores / n;
  if (rss >= 0) s.level["engine_rss"] = rss;
  if (gpu_runs > 0) s.level["gpu_utilization"] = gpu / gpu_runs;
  if (gpu_memory >= 0) s.level["gpu_memory"] = gpu_memory;
}

// The request rate a sweep's end measured; 0 when it has none.
double MeasuredRate(const metrics::Summary& s) {
  const auto it = s.level.find("request_throughput");
  return it == s.level.end() || !std::isfinite(it->second) || s.succeeded == 0 ? 0.0 : it->second;
}

}  // namespace

std::vector<std::string> HeadersFor(const std::string& url, const load::Target& target) {
  const bool same_origin = url == target.base_url || url.rfind(target.base_url + "/", 0) == 0;
  return same_origin ? target.headers : std::vector<std::string>{};
}

metrics::Summary PoolRuns(const std::vector<const LevelRun*>& runs, const metrics::Pricing& pricing,
                          Nanoseconds window) {
  load::LevelOutcome pooled;
  metrics::LevelTally tally = runs.front()->tally;
  for (const LevelRun* run : runs) {
    const load::LevelOutcome& o = run->outcome;
    if (run != runs.front()) tally.Merge(run->tally);
    pooled.load_level = o.load_level;
    pooled.last_done_ns += std::max<std::int64_t>(0, o.last_done_ns - o.first_start_ns);
    pooled.retries_429 += o.retries_429;
    pooled.dropped += o.dropped;
    pooled.cut_short |= o.cut_short;
    pooled.drained += o.drained;
  }
  return metrics::Summarize(pooled, tally, pricing, window);
}

AttemptResult ExecuteAttempt(const scenario::Case& c, const std::vector<PlannedRun>& plan, const load::Target& target,
                             load::LoadGenerator& generator, report::ResultsFile& results, const std::string& session,
                             const prompt::PromptSource& prompt_source, LengthFitter* fitter, int engine_pid,
                             ClientSplit* split) {
  AttemptResult out;
  const metrics::Pricing pricing{c.engine.cost_per_hour, c.engine.price_per_million_input,
                                 c.engine.price_per_million_output};
  const std::vector<scenario::Level> levels = c.load.Levels();
  std::map<scenario::Level, std::vector<LevelRun>> measured;
  std::map<scenario::Level, std::vector<std::map<std::string, double>>> server_stats;
  std::map<scenario::Level, double> client_tokens;
  std::string last_metrics_problem;
  LengthFit fitted;
  std::optional<AnswerChecks> answer_checks;
  if (c.checks.needs_text()) answer_checks.emplace(c.checks);
  std::string check_failure;  // the attempt's first, said once
  // The GPUs are the engine's when the engine runs on this host.
  const std::string gpu_program = engine_pid > 0 ? GpuSampler::Find() : "";
  std::vector<metrics::Summary> searches;
  std::map<std::int32_t, double> sweep_ends;  // point → its first run's request rate
  std::vector<double> sweep_rates;            // the points between, once both ends have run
  for (PlannedRun run : plan) {
    if (run.load_level.sweep() && run.load_level.open()) {
      if (sweep_rates.empty()) {
        const std::int32_t top = c.load.sweep->points + 1;
        const double sync = sweep_ends[0], most = sweep_ends[top];
        if (sync <= 0 || most <= 0) {
          out.status = "failed";
          out.message = fmt::format("the sweep's rates are unknown: its {} point measured no request rate",
                                    sync <= 0 ? "synchronous" : "throughput");
          fmt::print("  failed: {}\n", out.message);
          break;
        }
        sweep_rates = SweepRates(sync, most, c.load.sweep->points);
        fmt::print("  sweep: synchronous {:.4g} req/s, throughput {:.4g} req/s{}; points between at {:.4g} req/s\n",
                   sync, most, most <= sync ? " (no more than one at a time: the engine does not batch)" : "",
                   fmt::join(sweep_rates, ", "));
        results.AppendToCaseField("sweep",
                                  {{"attempt", run.attempt},
                                   {"synchronous_rate", sync},
                                   {"throughput_rate", most},
                                   {"throughput_concurrency", c.load.sweep->ThroughputConcurrency(c.load.requests)},
                                   {"rates", sweep_rates},
                                   {"arrival", c.load.arrival}});
      }
      run.load_level = run.load_level.WithRate(sweep_rates.at(static_cast<std::size_t>(run.load_level.point - 1)));
    }
    if (run.load_level.search()) {
      const HostSample before = SampleHost(engine_pid);
      const SearchOutcome search = RunSloSearch(c, run, generator, results, prompt_source, fitter);
      const HostSample after = SampleHost(engine_pid);
      if (!search.problem.empty()) {
        out.status = "failed";
        out.message = search.problem;
        fmt::print("  failed: {}\n", out.message);
        break;
      }
      metrics::Summary summary = SearchSummary(search);
      gate::RunData data;
      data.load_level = summary.load_level;
      if (search.max_rate > 0) data.values["max_rate_under_slo"] = search.max_rate;
      data.attempt = run.attempt;
      data.repetition = run.repetition;
      data.session = session;
      data.invalid = summary.invalid;
      data.host = Between(before, after, c.gate);
      results.AddRun(data, summary, "");
      for (const Probe& p : search.probes) {
        results.AppendToCaseField("slo_search", {{"attempt", run.attempt},
                                                 {"repetition", run.repetition},
                                                 {"rate", p.rate},
                                                 {"requests", p.summary.requests},
                                                 {"slo_attainment", p.attainment},
                                                 {"holds", p.holds},
                                                 {"invalid", p.invalid},
                                                 {"summary", gate::ToJson(p.summary)}});
      }
      fmt::print("  SLO search: max rate under the SLO {:g} req/s{} ({} probes)  [run {}/{}{}]\n", search.max_rate,
                 search.bound.empty() ? "" : " (" + search.bound + ")", search.probes.size(), run.repetition,
                 c.load.repetitions, data.host.busy ? "; busy runner: " + data.host.why : "");
      if (!summary.invalid.empty()) fmt::print("  invalid: {}\n", summary.invalid);
      std::fflush(stdout);
      out.runs.push_back(std::move(data));
      searches.push_back(std::move(summary));
      continue;
    }
    const std::vector<std::int64_t> schedule =
        SendSchedule(c, run, prompt_source.trace() ? &prompt_source.trace()->timestamps_s : nullptr);
    const std::int64_t count =
        run.load_level.open() ? static_cast<std::int64_t>(schedule.size()) : c.load.warmup + c.load.requests;
    // A multi-turn class's units are conversations: each of its turns is a prompt of its own.
    // Made as the run reaches them, unless a tokenizer fits them or this host picks its share first.
    const std::int64_t prompt_count = count * c.prompt_class.turns;
    const bool made_before = split != nullptr || fitter != nullptr;
    auto prompts = made_before ? prompt_source.Make(prompt_count, run.prompt_seed, run.nonce, c.checks.crossover)
                               : std::vector<prompt::Prompt>{};
    // Several client hosts: this host sends its units only (records keep the level's numbers).
    const auto per_unit = static_cast<std::size_t>(c.prompt_class.turns);
    std::vector<std::int64_t> own_units = split ? OwnUnits(run.load_level, count, *split) : std::vector<std::int64_t>{};
    std::vector<prompt::Prompt> own_prompts = split ? PickUnits(prompts, per_unit, own_units) : std::move(prompts);
    const std::vector<std::int64_t> own_schedule =
        split && !schedule.empty() ? PickUnits(schedule, 1, own_units) : schedule;
    if (fitter) {
      const LengthFit f = fitter->Fit(own_prompts);
      if (!f.problem.empty()) {
        out.status = "failed";
        out.message = fmt::format("exact input lengths: {}", f.problem);
        fmt::print("  failed: {}\n", out.message);
        break;
      }
      if (fitted.prompts == 0) {
        fmt::print("  input lengths: {}: {} of {} prompts within ±1 token (largest miss {} token{}, {} calls)\n",
                   fitter->Describe(), f.exact, f.prompts, f.max_error, f.max_error == 1 ? "" : "s", f.calls);
      }
      fitted.prompts += f.prompts;
      fitted.exact += f.exact;
      fitted.max_error = std::max(fitted.max_error, f.max_error);
      fitted.calls += f.calls;
      results.SetCaseField("input_lengths", {{"method", "tokenizer"},
                                             {"tokenizer", fitter->Describe()},
                                             {"prompts", fitted.prompts},
                                             {"within_1_token", fitted.exact},
                                             {"max_error_tokens", fitted.max_error},
                                             {"tokenizer_calls", fitted.calls}});
    }
    // The answer checks look prompts up by the level's index: in the feed, or (several hosts)
    // in the level's prompts.
    if (split) ScatterUnits(own_prompts, per_unit, own_units, prompts);
    prompt::PromptFeed feed = made_before
                                  ? prompt::PromptFeed(std::move(own_prompts))
                                  : prompt_source.Feed(prompt_count, run.prompt_seed, run.nonce, c.checks.crossover);
    const auto prompt_of = [&](std::int64_t index) -> const prompt::Prompt* {
      const std::int64_t n = split ? static_cast<std::int64_t>(prompts.size()) : feed.size();
      if (index < 0 || index >= n) return nullptr;
      return split ? &prompts[static_cast<std::size_t>(index)] : &feed.At(index);
    };
    load::Progress progress;
    progress.total = feed.size();
    load::LevelOutcome outcome;
    metrics::LevelTally tally(c.slo, c.load.max_schedule_lag);
    std::string run_check_failure;
    std::optional<MetricsScraper> scraper;
    if (c.engine.metrics) {
      scraper.emplace(MetricsUrl(*c.engine.metrics, target), HeadersFor(MetricsUrl(*c.engine.metrics, target), target),
                      c.engine.metrics->interval);
    }
    load::LevelShare share;
    std::int64_t slot = 0, wall_minus_mono = 0;
    if (split) {
      share = EnterSlot(*split, run.load_level, c.load, slot, wall_minus_mono);
      share.units = std::move(own_units);
    }
    const HostSample before = SampleHost(engine_pid);
    GpuSampler gpu(gpu_program, kGpuSampleEvery);
    {
      report::ProgressLine line(
          fmt::format("  {} run {}/{}", scenario::Describe(run.load_level), run.repetition, c.load.repetitions),
          progress);
      outcome = generator.RunLevel(
          run.load_level, feed,
          [&](load::Record& r) {
            // Checked, counted, then on to records.jsonl: the run keeps no record.
            if (answer_checks) {
              std::string failure = answer_checks->Check(prompt_of(r.index), r);
              if (run_check_failure.empty()) run_check_failure = std::move(failure);
            }
            tally.Add(r);
            results.StreamRecord(c.id, run.attempt, run.repetition, r);  // r.chunk_ns: a spare buffer
          },
          &progress,
          [&] {
            if (scraper) scraper->Begin();
          },
          own_schedule, share);
    }
    const HostSample after = SampleHost(engine_pid);
    const GpuUsage gpu_usage = gpu.Stop();
    if (!run_check_failure.empty() && check_failure.empty()) {
      check_failure = run_check_failure;
      fmt::print("  {}\n", check_failure);
    }
    metrics::Summary summary = metrics::Summarize(outcome, tally, pricing, c.load.duration);
    summary.invalid = metrics::JudgeOpenLoop(summary, c.load.max_schedule_lag, c.load.max_concurrency);
    std::string metrics_problem;
    if (scraper) {
      const ServerMetrics server = scraper->End();
      metrics_problem = server.problem;
      if (!server.problem.empty() && server.problem != last_metrics_problem) {
        fmt::print("  engine metrics: {}\n", server.problem);
      }
      last_metrics_problem = server.problem;
      const double received = tally.output_tokens_received;
      AddServerStats(server.stats, received, summary);
      server_stats[run.load_level].push_back(server.stats);
      // Only runs whose engine count exists, or one failed scrape would skew the pooled ratio.
      if (!std::isnan(ServerOutputTokens(server.stats))) client_tokens[run.load_level] += received;
    }
    gate::RunData data = gate::MakeRunData(summary);
    data.attempt = run.attempt;
    data.repetition = run.repetition;
    data.session = session;
    data.invalid = summary.invalid;
    data.host = Between(before, after, c.gate);
    data.host.gpu_utilization = gpu_usage.utilization_pct;
    data.host.gpu_memory_mib = gpu_usage.memory_used_mib;
    AddEngineResources(data.host, summary);
    nlohmann::json client;
    if (split) {
      client = {{"part", split->part + 1},
                {"of", split->of},
                {"slot", slot},
                {"slot_start_utc", FormatUtcTime(split->start_utc_ns + slot * split->slot_ns)},
                {"wall_minus_monotonic_ns", wall_minus_mono},
                {"anchor_ns", outcome.anchor_ns},
                {"first_start_ns", outcome.first_start_ns},
                {"last_done_ns", outcome.last_done_ns},
                {"schedule_origin_ns", outcome.schedule_origin_ns},
                {"retries_429", outcome.retries_429},
                {"dropped", outcome.dropped},
                {"cut_short", outcome.cut_short},
                {"failed_fast", outcome.failed_fast}};
    }
    results.AddRun(data, summary, metrics_problem, client);
    fmt::print("{}  [run {}/{}{}]\n", report::LevelLine(summary), run.repetition, c.load.repetitions,
               data.host.busy ? "; busy runner: " + data.host.why : "");
    if (!summary.invalid.empty()) fmt::print("  invalid: {}\n", summary.invalid);
    std::fflush(stdout);
    const bool failed_fast = !outcome.failed_fast.empty();
    if (failed_fast) {
      out.status = "failed";
      out.message = fmt::format("on_error = fail_fast: {} at {}; the case stopped there", outcome.failed_fast,
                                scenario::Describe(run.load_level));
      fmt::print("  failed: {}\n", out.message);
    } else if (summary.succeeded == 0 && out.status == "passed") {
      out.status = "failed";
      out.message =
          fmt::format("no request succeeded at {} ({})", scenario::Describe(run.load_level), tally.first_error());
    }
    if (run.load_level.sweep() && !run.load_level.open() && !sweep_ends.contains(run.load_level.point))
      sweep_ends[run.load_level.point] = MeasuredRate(summary) / c.prompt_class.turns;  // conversations/s
    out.runs.push_back(std::move(data));
    measured[run.load_level].push_back({std::move(outcome), std::move(tally)});
    if (failed_fast) break;  // no further run starts
  }
  // Reported in curve order: a sweep's points by point (they ran ends first).
  std::vector<scenario::Level> report_order = levels;
  const auto sweep_from =
      std::find_if(report_order.begin(), report_order.end(), [](const auto& l) { return l.sweep(); });
  std::sort(sweep_from, report_order.end(), [](const auto& a, const auto& b) { return a.point < b.point; });
  for (const auto& level : report_order) {
    std::vector<const LevelRun*> runs;
    for (const auto& r : measured[level]) runs.push_back(&r);
    if (runs.empty()) continue;
    out.levels.push_back(PoolRuns(runs, pricing, c.load.duration));
    if (c.engine.metrics) AddServerStats(PoolServerStats(server_stats[level]), client_tokens[level], out.levels.back());
    PoolEngineResources(out.runs, level, out.levels.back());
    out.levels.back().invalid =
        metrics::JudgeOpenLoop(out.levels.back(), c.load.max_schedule_lag, c.load.max_concurrency);
  }
  if (!searches.empty()) {  // the attempt's result: the median over its repetitions
    std::vector<double> found;
    double probes_run = 0;
    for (const auto& s : searches) {
      found.push_back(s.level.at("max_rate_under_slo"));
      probes_run += s.level.at("search_probes");
    }
    std::sort(found.begin(), found.end());
    metrics::Summary pooled = searches.front();
    pooled.level["max_rate_under_slo"] = found[found.size() / 2];
    pooled.level["search_probes"] = probes_run;
    for (const auto& s : searches) {
      if (pooled.invalid.empty()) pooled.invalid = s.invalid;
    }
    out.levels.push_back(std::move(pooled));
  }
  results.SetLevels(out.levels);
  return out;
}

}  // namespace llmbench::pipeline
