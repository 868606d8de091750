#include "scenario/to_toml.hpp"

#include <toml++/toml.h>

#include <sstream>

#include "base/units.hpp"
#include "scenario/sections.hpp"

namespace llmbench::scenario {
namespace {

toml::array Strings(const std::vector<std::string>& v) {
  toml::array a;
  for (const auto& s : v) a.push_back(s);
  return a;
}

toml::array Ints(const std::vector<std::int64_t>& v) {
  toml::array a;
  for (auto i : v) a.push_back(i);
  return a;
}

std::string Dur(Nanoseconds d) { return FormatDuration(d); }

toml::table SimTable(const SimSettings& s) {
  const SimFaults& f = s.faults;
  return toml::table{
      {"wire", s.wire},
      {"prefill_base", Dur(s.prefill_base)},
      {"prefill_per_token", Dur(s.prefill_per_token)},
      {"decode_step", Dur(s.decode_step)},
      {"decode_per_seq", Dur(s.decode_per_seq)},
      {"max_batch", s.max_batch},
      {"jitter", s.jitter},
      {"tokens_per_chunk", s.tokens_per_chunk},
      {"events_per_write", s.events_per_write},
      {"seed", static_cast<std::int64_t>(s.seed)},
      {"run_drift", s.run_drift},
      {"drift", s.drift},
      {"drift_period", Dur(s.drift_period)},
      {"neighbour_slowdown", s.neighbour_slowdown},
      {"neighbour_period", Dur(s.neighbour_period)},
      {"drift_seed", static_cast<std::int64_t>(s.drift_seed)},
      {"tokenizer", s.tokenizer},
      {"prefix_cache", s.prefix_cache},
      {"faults", toml::table{{"http_500", f.http_500},
                             {"http_400", f.http_400},
                             {"http_429", f.http_429},
                             {"retry_after", Dur(f.retry_after)},
                             {"stall", f.stall},
                             {"stall_for", Dur(f.stall_for)},
                             {"disconnect", f.disconnect},
                             {"malformed", f.malformed},
                             {"short_output", f.short_output},
                             {"crossover", f.crossover}}},
  };
}

toml::table EngineTable(const Engine& e) {
  toml::table t{{"protocol", e.protocol},
                {"model", e.model},
                {"force_output_length", e.force_output_length},
                {"required", e.required}};
  if (!e.url.empty()) t.insert("url", e.url);
  if (!e.path.empty()) t.insert("path", e.path);
  if (!e.api_key_env.empty()) t.insert("api_key_env", e.api_key_env);
  if (!e.headers.empty()) {
    toml::table h;
    for (const auto& [k, v] : e.headers) h.insert(k, v);
    t.insert("headers", std::move(h));
  }
  if (!e.extra_body_toml.empty()) {
    auto doc = toml::parse(std::string_view(e.extra_body_toml), std::string_view("extra_body"));
    t.insert("extra_body", *doc["extra_body"].as_table());
  }
  if (e.cost_per_hour) t.insert("cost_per_hour", *e.cost_per_hour);
  if (e.price_per_million_input) t.insert("price_per_million_input", *e.price_per_million_input);
  if (e.price_per_million_output) t.insert("price_per_million_output", *e.price_per_million_output);
  if (e.requests_per_minute) t.insert("requests_per_minute", *e.requests_per_minute);
  if (e.tokens_per_minute) t.insert("tokens_per_minute", *e.tokens_per_minute);
  if (!e.labels.empty()) t.insert("labels", Strings(e.labels));
  if (e.sim) t.insert("simulator", SimTable(*e.sim));
  if (e.tokenizer) {
    toml::table tk{{"api", e.tokenizer->api}};
    if (!e.tokenizer->url.empty()) tk.insert("url", e.tokenizer->url);
    t.insert("tokenizer", std::move(tk));
  }
  if (e.launch) {
    const Launch& l = *e.launch;
    toml::table launch{{"command", Strings(l.command)},
                       {"ready_url", l.ready_url},
                       {"ready_timeout", Dur(l.ready_timeout)},
                       {"stop_signal", std::string(SignalName(l.stop_signal))},
                       {"stop_timeout", Dur(l.stop_timeout)}};
    if (!l.env.empty()) {
      toml::table env;
      for (const auto& [k, v] : l.env) env.insert(k, v);
      launch.insert("env", std::move(env));
    }
    if (!l.workdir.empty()) launch.insert("workdir", l.workdir);
    if (!l.log.empty()) launch.insert("log", l.log);
    t.insert("launch", std::move(launch));
  }
  if (e.metrics) {
    toml::table m{{"url", e.metrics->url}};
    if (e.metrics->interval.count() > 0) m.insert("interval", Dur(e.metrics->interval));
    t.insert("metrics", std::move(m));
  }
  return t;
}

toml::table ScenarioTable(const Scenario& s) {
  toml::table engines;
  for (const auto& e : s.engines) engines.insert(e.name, EngineTable(e));
  toml::table classes;
  for (const auto& c : s.classes) {
    toml::table t;
    if (!c.trace.empty()) {  // its entries carry the lengths
      t.insert("trace", c.trace);
      t.insert("trace_time_scale", c.trace_time_scale);
      t.insert("trace_time_unit", c.trace_time_unit);
      if (c.trace_requests > 0) t.insert("trace_requests", c.trace_requests);
    } else {
      t.insert("output_tokens", c.output_tokens);
      t.insert("output_stddev", c.output_stddev);
    }
    if (c.trace.empty() && c.dataset.empty()) {
      t.insert("input_tokens", c.input_tokens);
      t.insert("input_stddev", c.input_stddev);
      t.insert("shared_prefix_tokens", c.shared_prefix_tokens);
    } else if (!c.dataset.empty()) {
      t.insert("dataset", c.dataset);
      if (!c.dataset_field.empty()) t.insert("field", c.dataset_field);
      t.insert("min_input_tokens", c.min_input_tokens);
      if (c.max_input_tokens > 0) t.insert("max_input_tokens", c.max_input_tokens);
    }
    if (c.turns > 1) {
      t.insert("turns", c.turns);
      t.insert("think_time", Dur(c.think_time));
    }
    if (c.temperature) t.insert("temperature", *c.temperature);
    if (c.top_p) t.insert("top_p", *c.top_p);
    if (c.top_k) t.insert("top_k", *c.top_k);
    if (c.sampling_seed) t.insert("sampling_seed", *c.sampling_seed);
    if (!c.engines.empty()) t.insert("engines", Strings(c.engines));
    if (!c.labels.empty()) t.insert("labels", Strings(c.labels));
    classes.insert(c.name, std::move(t));
  }
  const Load& l = s.load;
  toml::table load{{"requests", l.requests},
                   {"warmup", l.warmup},
                   {"timeout", Dur(l.timeout)},
                   {"max_duration", Dur(l.max_duration)},
                   {"seed", static_cast<std::int64_t>(l.seed)},
                   {"max_retries", l.max_retries},
                   {"repetitions", l.repetitions},
                   {"on_error", l.on_error}};
  // Closed-loop levels, or none: an empty list only when the scenario has others (rate, a search).
  if (!l.concurrency.empty() || (l.rate.empty() && !l.slo_search && !l.sweep))
    load.insert("concurrency", Ints(l.concurrency));
  if (l.stagger.count() > 0) load.insert("stagger", Dur(l.stagger));
  if (!l.rate.empty() || l.slo_search || l.sweep) {
    toml::array rates;
    for (const double r : l.rate) rates.push_back(r);
    if (!rates.empty()) load.insert("rate", std::move(rates));
    load.insert("arrival", l.arrival);
    if (l.arrival == "gamma") load.insert("burstiness", l.burstiness);
    load.insert("max_concurrency", l.max_concurrency);
    if (l.duration.count() > 0) load.insert("duration", Dur(l.duration));
    if (l.ramp_up.count() > 0) load.insert("ramp_up", Dur(l.ramp_up));
    load.insert("max_schedule_lag", Dur(l.max_schedule_lag));
  }
  if (l.slo_search) {
    const SloSearch& q = *l.slo_search;
    toml::table search{
        {"min_rate", q.min_rate}, {"max_rate", q.max_rate}, {"precision", q.precision}, {"attainment", q.attainment}};
    if (q.requests > 0) search.insert("requests", q.requests);
    load.insert("slo_search", std::move(search));
  }
  if (l.sweep) {
    toml::table sweep{{"points", l.sweep->points}};
    if (l.sweep->concurrency > 0) sweep.insert("concurrency", l.sweep->concurrency);
    load.insert("sweep", std::move(sweep));
  }
  if (l.temperature) load.insert("temperature", *l.temperature);
  if (!l.exclude_reason.empty()) load.insert("exclude_reason", l.exclude_reason);
  toml::array thresholds;
  toml::table checks;
  for (const auto& t : s.thresholds) {
    if (!t.check.empty()) continue;  // written as the [checks] table it came from
    if (t.concurrency.empty() && t.rate.empty() && t.sweep.empty()) {
      thresholds.push_back(t.expression);
    } else {
      toml::table rule{{"rule", t.expression}};
      if (!t.concurrency.empty()) rule.insert("concurrency", Ints(t.concurrency));
      if (!t.rate.empty()) {
        toml::array rates;
        for (const double r : t.rate) rates.push_back(r);
        rule.insert("rate", std::move(rates));
      }
      if (!t.sweep.empty()) {
        toml::array points;
        for (const auto k : t.sweep) points.push_back(static_cast<std::int64_t>(k));
        rule.insert("sweep", std::move(points));
      }
      thresholds.push_back(std::move(rule));
    }
  }
  toml::table root{{"schema", kSchemaVersion}, {"name", s.name}};
  if (!s.description.empty()) root.insert("description", s.description);
  if (!s.labels.empty()) root.insert("labels", Strings(s.labels));
  if (!thresholds.empty()) root.insert("thresholds", std::move(thresholds));
  if (s.checks.output_length) checks.insert("output_length", true);
  if (s.checks.crossover) checks.insert("crossover", true);
  if (!s.checks.expect.empty()) checks.insert("expect", s.checks.expect);
  if (!checks.empty()) root.insert("checks", std::move(checks));
  root.insert("engines", std::move(engines));
  root.insert("classes", std::move(classes));
  root.insert("load", std::move(load));
  root.insert("gate", toml::table{{"confirm", s.gate.confirm},
                                  {"max_wait_per_slice", Dur(s.gate.max_wait_per_slice)},
                                  {"max_steal", s.gate.max_steal},
                                  {"max_neighbour_cores", s.gate.max_neighbour_cores}});
  if (!s.slo.empty()) {
    toml::table slo;
    if (s.slo.ttft) slo.insert("ttft", Dur(*s.slo.ttft));
    if (s.slo.tpot) slo.insert("tpot", Dur(*s.slo.tpot));
    if (s.slo.e2e) slo.insert("e2e", Dur(*s.slo.e2e));
    root.insert("slo", std::move(slo));
  }
  return root;
}

}  // namespace

std::string ToToml(const Scenario& s) {
  std::ostringstream out;
  out << toml::toml_formatter{ScenarioTable(s)} << '\n';
  return out.str();
}

std::string ToJson(const Scenario& s) {
  std::ostringstream out;
  out << toml::json_formatter{ScenarioTable(s)};
  return out.str();
}

}  // namespace llmbench::scenario
