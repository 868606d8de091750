#include "pipeline/slo_search.hpp"

#include <fmt/format.h>

#include <cmath>

#include "base/hash.hpp"

namespace llmbench::pipeline {

RateSearch::RateSearch(const scenario::SloSearch& spec) : spec_(spec), lo_(spec.min_rate), hi_(spec.max_rate) {}

std::optional<double> RateSearch::Next() const {
  if (!max_holds_) return spec_.max_rate;
  if (*max_holds_) return std::nullopt;
  if (!min_holds_) return spec_.min_rate;
  if (!*min_holds_) return std::nullopt;
  if (hi_ / lo_ <= 1 + spec_.precision) return std::nullopt;
  return std::sqrt(lo_ * hi_);
}

void RateSearch::Record(double rate, bool holds) {
  if (!max_holds_ && rate == spec_.max_rate) {
    max_holds_ = holds;
  } else if (!min_holds_ && rate == spec_.min_rate) {
    min_holds_ = holds;
  } else {
    (holds ? lo_ : hi_) = rate;
  }
}

double RateSearch::Result() const {
  if (max_holds_ && *max_holds_) return spec_.max_rate;
  if (min_holds_ && !*min_holds_) return 0;
  return lo_;
}

std::string RateSearch::Bound() const {
  if (max_holds_ && *max_holds_) return "at least max_rate";
  if (min_holds_ && !*min_holds_) return "below min_rate";
  return "";
}

SearchOutcome RunSloSearch(const scenario::Case& c, const PlannedRun& run, load::LoadGenerator& generator,
                           report::ResultsFile& results, const prompt::PromptSource& prompt_source,
                           LengthFitter* fitter) {
  const scenario::SloSearch& spec = *c.load.slo_search;
  const metrics::Pricing pricing{c.engine.cost_per_hour, c.engine.price_per_million_input,
                                 c.engine.price_per_million_output};
  scenario::Case probe_case = c;  // a probe: `requests` arrivals at its rate, no duration
  probe_case.load.requests = spec.requests > 0 ? spec.requests : c.load.requests;
  probe_case.load.duration = Nanoseconds(0);
  probe_case.load.ramp_up = Nanoseconds(0);
  RateSearch search(spec);
  SearchOutcome out;
  while (const auto rate = search.Next()) {
    PlannedRun probe = run;
    probe.load_level = scenario::Level::Open(*rate);
    // Fresh preambles per probe: no probe hits the prefix cache of an earlier one.
    probe.nonce = Fnv1a(fmt::format("probe/{}/{}", out.probes.size(), *rate), run.nonce);
    const auto schedule = SendSchedule(probe_case, probe);
    auto prompts = prompt_source.Make(static_cast<std::int64_t>(schedule.size()) * c.prompt_class.turns,
                                      probe.prompt_seed, probe.nonce, false);
    if (fitter != nullptr) {
      if (const LengthFit f = fitter->Fit(prompts); !f.problem.empty()) {
        out.problem = fmt::format("exact input lengths of the SLO search's probe at {:g} req/s: {}", *rate, f.problem);
        break;
      }
    }
    load::Progress progress;
    metrics::LevelTally tally(c.slo, c.load.max_schedule_lag);
    const load::LevelOutcome outcome = generator.RunLevel(
        probe.load_level, prompts,
        [&](load::Record& r) {
          tally.Add(r);
          results.StreamRecord(c.id, run.attempt, run.repetition, r);
        },
        &progress, {}, schedule);
    Probe p;
    p.rate = *rate;
    p.summary = metrics::Summarize(outcome, tally, pricing);
    p.invalid = metrics::JudgeOpenLoop(p.summary, c.load.max_schedule_lag, c.load.max_concurrency);
    p.attainment = p.summary.level.count("slo_attainment") ? p.summary.level.at("slo_attainment") : 0.0;
    // Dropped arrivals are the engine's failure to keep up: the SLO does not hold there. A client
    // that fell behind cannot tell: the probe does not hold, and the result says so.
    p.holds = p.invalid.empty() && p.attainment >= spec.attainment;
    if (p.invalid.rfind("the client fell behind", 0) == 0 && out.client_bound.empty()) {
      out.client_bound = fmt::format("at {:g} req/s: {}", *rate, p.invalid);
    }
    p.summary.invalid = p.invalid;
    fmt::print("  SLO search probe {:g} req/s: {:.1f}% of {} requests met the SLO{} → {}\n", *rate, p.attainment * 100,
               p.summary.requests, p.invalid.empty() ? "" : " (invalid: " + p.invalid + ")",
               p.holds ? "holds" : "does not hold");
    std::fflush(stdout);
    search.Record(*rate, p.holds);
    out.probes.push_back(std::move(p));
  }
  out.max_rate = search.Result();
  out.bound = search.Bound();
  return out;
}

metrics::Summary SearchSummary(const SearchOutcome& s) {
  metrics::Summary m;
  m.load_level = scenario::Level::Search();
  m.level["max_rate_under_slo"] = s.max_rate;  // 0 = below min_rate (the gate compares positive values only)
  m.level["search_probes"] = static_cast<double>(s.probes.size());
  m.invalid = s.client_bound.empty() ? "" : "the client fell behind during the search " + s.client_bound;
  return m;
}

}  // namespace llmbench::pipeline
