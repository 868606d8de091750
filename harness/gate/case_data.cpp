#include "gate/case_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <thread>

#include "base/hash.hpp"
#include "base/version.hpp"
#include "gate/gated.hpp"
#include "metrics/request_metrics.hpp"
#include "metrics/statistics.hpp"

namespace llmbench::gate {
namespace {

std::string Hash(const std::string& text) { return fmt::format("{:016x}", Fnv1a(text)); }

std::string MajorMinor(std::string_view version) {
  const auto second_dot = version.find('.', version.find('.') + 1);
  return std::string(version.substr(0, second_dot));
}

}  // namespace

CaseData CaseData::Attempt(int attempt) const {
  if (attempt == 0) attempt = LastAttempt();
  CaseData out = *this;
  out.runs.clear();
  for (const auto& r : runs) {
    if (r.attempt == attempt) out.runs.push_back(r);
  }
  return out;
}

int CaseData::LastAttempt() const {
  int last = 0;
  for (const auto& r : runs) last = std::max(last, r.attempt);
  return last;
}

std::vector<scenario::Level> CaseData::Levels() const {
  std::vector<scenario::Level> out;
  for (const auto& r : runs) {
    if (std::find(out.begin(), out.end(), r.load_level) == out.end()) out.push_back(r.load_level);
  }
  return out;
}

std::string HardwareId() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string model = "unknown CPU";
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return fmt::format("{} x {}", model, std::thread::hardware_concurrency());
}

Fingerprint MakeFingerprint(const scenario::Case& c, std::uint64_t dataset_hash) {
  const auto& e = c.engine;
  const auto& p = c.prompt_class;
  const auto& l = c.load;
  // What was asked for: the same prompts, lengths, levels and options. Request counts and
  // durations are left out: more samples make a comparison sharper, not invalid.
  std::string settings = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", e.protocol, e.sim ? e.sim->wire : "",
                                     e.model, e.force_output_length, e.extra_body_json, p.input_tokens, p.input_stddev,
                                     p.output_tokens, p.output_stddev, fmt::join(l.concurrency, ","), l.seed,
                                     l.temperature.value_or(-1), p.shared_prefix_tokens);
  // Fitted prompts are other prompts than estimated ones (a model-like tokenizer counts ~15 %
  // more): only when set, so that baselines blessed without it keep their fingerprint.
  if (e.tokenizer) settings += "|tokenizer=" + e.tokenizer->api;
  // A staggered start, only when set: the first requests met another engine state.
  if (l.stagger.count() > 0) settings += fmt::format("|stagger={}", l.stagger.count());
  // Open-loop levels, only when present (closed-loop baselines keep their fingerprint): the
  // arrival process is part of what was measured; its length (duration, requests) is not.
  if (!l.rate.empty()) {
    settings += fmt::format("|open={}|{}|{}|{}|{}", fmt::join(l.rate, ","), l.arrival, l.burstiness, l.max_concurrency,
                            l.ramp_up.count());
  }
  // The search, only when present: its bounds, what must hold (the SLO, the share), its probes'
  // length (short probes overstate a capacity) and their arrival process.
  if (l.slo_search) {
    const auto& q = *l.slo_search;
    const auto ms = [](const std::optional<Nanoseconds>& d) { return d ? d->count() : -1; };
    settings += fmt::format("|search={}|{}|{}|{}|{}|slo={}|{}|{}|{}|{}|{}", q.min_rate, q.max_rate, q.precision,
                            q.attainment, q.requests > 0 ? q.requests : l.requests, ms(c.slo.ttft), ms(c.slo.tpot),
                            ms(c.slo.e2e), l.arrival, l.burstiness, l.max_concurrency);
  }
  // The sweep, only when present: its points and the throughput point's concurrency, and the
  // arrival process of the points between.
  if (l.sweep) {
    settings += fmt::format("|sweep={}|{}|{}|{}|{}|{}", l.sweep->points, l.sweep->concurrency, l.arrival, l.burstiness,
                            l.max_concurrency, l.ramp_up.count());
  }
  // The class's own sampling, only when set (baselines blessed without it keep their fingerprint).
  if (p.temperature || p.top_p || p.top_k || p.sampling_seed) {
    settings += fmt::format("|sampling={}|{}|{}|{}", p.temperature.value_or(-1), p.top_p.value_or(-1),
                            p.top_k.value_or(-1), p.sampling_seed.value_or(-1));
  }
  if (p.turns > 1) settings += fmt::format("|turns={}|{}", p.turns, p.think_time.count());
  if (!p.trace.empty()) {  // the trace's content (hash) and how it is replayed
    settings +=
        fmt::format("|trace={:016x}|{}|{}|{}", dataset_hash, p.trace_time_scale, p.trace_time_unit, p.trace_requests);
  }
  if (!p.dataset.empty()) {
    settings +=
        fmt::format("|dataset={:016x}|{}|{}|{}", dataset_hash, p.dataset_field, p.min_input_tokens, p.max_input_tokens);
  }
  return {Hash(settings), fmt::format("{} {} {}", e.name, e.protocol, e.model), HardwareId(), MajorMinor(kVersion),
          /*served_model=*/""};
}

RunData MakeRunData(const metrics::Summary& summary) {
  RunData run;
  run.load_level = summary.load_level;
  run.invalid = summary.invalid;
  if (summary.load_level.search()) {  // one number: the search's result (0 = below min_rate)
    const auto it = summary.level.find("max_rate_under_slo");
    if (it != summary.level.end() && it->second > 0) run.values["max_rate_under_slo"] = it->second;
    return run;
  }
  run.requests = summary.requests;
  run.errors = summary.requests - summary.succeeded;
  for (const auto& g : kGatedMetrics) {
    if (g.q < 0) {
      const auto it = summary.level.find(g.metric);
      if (it != summary.level.end() && it->second > 0) run.values[g.Key()] = it->second;
      continue;
    }
    // The run's own distribution: the successful measured requests' samples.
    const metrics::Stats* st = summary.Find(g.metric);
    const std::int64_t n = st != nullptr ? st->count : 0;
    run.samples[g.Key()] = n;
    if (n > 0 && static_cast<std::size_t>(n) >= MinSamples(g.q))
      run.values[g.Key()] = metrics::StatsPercentile(*st, g.q);
  }
  return run;
}

}  // namespace llmbench::gate
