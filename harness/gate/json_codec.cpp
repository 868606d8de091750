#include "gate/json_codec.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>

#include "base/read_file.hpp"

namespace llmbench::gate {
namespace {

using nlohmann::json;

json Nullable(std::int64_t v) { return v < 0 ? json(nullptr) : json(v); }
// An integer field; `fallback` when absent or null. A number beyond int64 (a float such as 4e22)
// throws: converting it would be undefined behaviour (found by fuzz_results_json).
std::int64_t IntOr(const json& j, const char* key, std::int64_t fallback = -1) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (it->is_number_float()) {
    const double d = it->get<double>();
    if (!(d > -9.2e18 && d < 9.2e18)) throw std::runtime_error(fmt::format("'{}': {} is out of range", key, d));
    return static_cast<std::int64_t>(d);
  }
  return it->get<std::int64_t>();  // an integer; a string or object throws json::type_error
}
std::size_t CountOr(const json& j, const char* key) {
  return static_cast<std::size_t>(std::max<std::int64_t>(0, IntOr(j, key, 0)));
}
// j[key] when it is a number, else NaN. Never operator[] on a const json: for a missing key that
// is undefined behaviour (found by fuzz_results_json: a heap use-after-free).
double NumberOrNaN(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : std::numeric_limits<double>::quiet_NaN();
}

// A level as its keys: "concurrency" (closed loop), "rate" (open loop, req/s), "search": true,
// or "sweep": its point, with the concurrency or rate it ran at.
json PutLevel(json j, const scenario::Level& l) {
  if (l.sweep()) j["sweep"] = l.point;
  if (l.search()) {
    j["search"] = true;
  } else if (l.open()) {
    j["rate"] = l.rate;
    if (l.trace()) j["trace"] = true;
  } else {
    j["concurrency"] = l.concurrency;
  }
  return j;
}
scenario::Level LevelFromJson(const json& j) {
  if (j.value("search", false)) return scenario::Level::Search();
  if (j.value("trace", false)) return scenario::Level::Trace(j.value("rate", 1.0));
  const auto rate = j.find("rate");
  if (const auto point = j.find("sweep"); point != j.end() && point->is_number_integer()) {
    const auto k = static_cast<std::int32_t>(std::clamp<std::int64_t>(IntOr(j, "sweep", 0), 0, 1'000'000));
    const double r = rate != j.end() && rate->is_number() ? rate->get<double>() : 0.0;
    return r > 0 ? scenario::Level::SweepPoint(k, 0).WithRate(r)
                 : scenario::Level::SweepPoint(k, std::max<std::int64_t>(0, IntOr(j, "concurrency", 0)));
  }
  if (rate != j.end() && rate->is_number() && rate->get<double>() > 0)
    return scenario::Level::Open(rate->get<double>());
  return scenario::Level::Closed(IntOr(j, "concurrency", 0));
}

load::ErrorKind ErrorFromString(const std::string& s) {
  for (const auto k : load::kErrorKinds) {
    if (load::ToString(k) == s) return k;
  }
  return load::ErrorKind::None;
}

}  // namespace

json ToJson(const load::Record& r) {
  json j{{"index", r.index},
         {"warmup", r.warmup},
         {"request_id", r.request_id},
         {"error", load::ToString(r.error)},
         {"http_status", r.http_status},
         {"error_message", r.error_message},
         {"retries_429", r.retries_429},
         {"scheduled_ns", r.scheduled_ns},
         {"start_ns", r.start_ns},
         {"first_byte_ns", r.first_byte_ns},
         {"done_ns", r.done_ns},
         {"chunk_ns", r.chunk_ns},
         {"target_input_tokens", r.target_input_tokens},
         {"max_tokens", r.max_tokens},
         {"prompt_tokens", Nullable(r.prompt_tokens)},
         {"completion_tokens", Nullable(r.completion_tokens)},
         {"cached_prompt_tokens", Nullable(r.cached_prompt_tokens)},
         {"evaluated_prompt_tokens", Nullable(r.evaluated_prompt_tokens)},
         {"token_events", r.token_events},
         {"text_bytes", r.text_bytes},
         {"connect_ns", Nullable(r.connect_ns)},
         {"server",
          {{"queue_ns", Nullable(r.server.queue_ns)},
           {"prompt_ns", Nullable(r.server.prompt_ns)},
           {"completion_ns", Nullable(r.server.completion_ns)},
           {"total_ns", Nullable(r.server.total_ns)}}},
         {"finish_reason", r.finish_reason}};
  j = PutLevel(std::move(j), r.load_level);
  // Correctness checks, only where one ran ([checks] crossover / expect).
  if (r.own_code >= 0) j["own_code"] = r.own_code == 1;
  if (r.rate_wait_ns > 0) j["rate_wait_ns"] = r.rate_wait_ns;
  if (r.intended_ns > 0) j["intended_ns"] = r.intended_ns;
  if (r.turn > 0) j["turn"] = r.turn;
  if (r.excluded) j["excluded"] = true;
  if (!r.streamed) j["streamed"] = false;
  if (r.expect_matched >= 0) j["expect_matched"] = r.expect_matched == 1;
  return j;
}

namespace {

// A JSON string: copied between quotes when it needs no escaping (printable ASCII without '"'
// or '\\', as request ids and finish reasons are), else written by nlohmann (escapes, and U+FFFD
// for bytes that are not UTF-8).
void AppendString(std::string_view s, std::string& out) {
  const bool plain =
      std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += DumpJson(json(std::string(s)));
  }
}

void AppendNullable(std::int64_t v, std::string& out) {
  if (v < 0) {
    out += "null";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

}  // namespace

void AppendRecordLine(const load::Record& r, std::string_view case_id, int attempt, int repetition, std::string& out) {
  const auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"case\":");
  AppendString(case_id, out);
  fmt::format_to(it, ",\"attempt\":{},\"repetition\":{},\"index\":{},\"warmup\":{},\"request_id\":", attempt,
                 repetition, r.index, r.warmup);
  AppendString(r.request_id, out);
  fmt::format_to(it, ",\"error\":\"{}\",\"http_status\":{},\"error_message\":", load::ToString(r.error), r.http_status);
  AppendString(r.error_message, out);
  fmt::format_to(it,
                 ",\"retries_429\":{},\"scheduled_ns\":{},\"start_ns\":{},\"first_byte_ns\":{},\"done_ns\":{},"
                 "\"chunk_ns\":[",
                 r.retries_429, r.scheduled_ns, r.start_ns, r.first_byte_ns, r.done_ns);
  // A stamp per token: the bulk of the line. format_int and one append each, not fmt::join
  // through a back_inserter (several times slower: llmbench-bench --writer).
  for (std::size_t i = 0; i < r.chunk_ns.size(); ++i) {
    const fmt::format_int digits(r.chunk_ns[i]);
    if (i > 0) out += ',';
    out.append(digits.data(), digits.size());
  }
  fmt::format_to(it, "],\"target_input_tokens\":{},\"max_tokens\":{},\"prompt_tokens\":", r.target_input_tokens,
                 r.max_tokens);
  AppendNullable(r.prompt_tokens, out);
  out += ",\"completion_tokens\":";
  AppendNullable(r.completion_tokens, out);
  out += ",\"cached_prompt_tokens\":";
  AppendNullable(r.cached_prompt_tokens, out);
  out += ",\"evaluated_prompt_tokens\":";
  AppendNullable(r.evaluated_prompt_tokens, out);
  fmt::format_to(it, ",\"token_events\":{},\"text_bytes\":{},\"connect_ns\":", r.token_events, r.text_bytes);
  AppendNullable(r.connect_ns, out);
  out += ",\"server\":{\"queue_ns\":";
  AppendNullable(r.server.queue_ns, out);
  out += ",\"prompt_ns\":";
  AppendNullable(r.server.prompt_ns, out);
  out += ",\"completion_ns\":";
  AppendNullable(r.server.completion_ns, out);
  out += ",\"total_ns\":";
  AppendNullable(r.server.total_ns, out);
  out += "},\"finish_reason\":";
  AppendString(r.finish_reason, out);
  // The level, as PutLevel writes it (a rate through nlohmann: the same digits as results.json).
  const scenario::Level& l = r.load_level;
  if (l.sweep()) fmt::format_to(it, ",\"sweep\":{}", l.point);
  if (l.search()) {
    out += ",\"search\":true";
  } else if (l.open()) {
    out += ",\"rate\":" + DumpJson(json(l.rate));
    if (l.trace()) out += ",\"trace\":true";
  } else {
    fmt::format_to(it, ",\"concurrency\":{}", l.concurrency);
  }
  if (r.own_code >= 0) fmt::format_to(it, ",\"own_code\":{}", r.own_code == 1);
  if (r.rate_wait_ns > 0) fmt::format_to(it, ",\"rate_wait_ns\":{}", r.rate_wait_ns);
  if (r.intended_ns > 0) fmt::format_to(it, ",\"intended_ns\":{}", r.intended_ns);
  if (r.turn > 0) fmt::format_to(it, ",\"turn\":{}", r.turn);
  if (r.excluded) out += ",\"excluded\":true";
  if (!r.streamed) out += ",\"streamed\":false";
  if (r.expect_matched >= 0) fmt::format_to(it, ",\"expect_matched\":{}", r.expect_matched == 1);
  out += "}\n";
}

load::Record RecordFromJson(const json& j) {
  load::Record r;
  r.index = IntOr(j, "index", 0);
  r.warmup = j.value("warmup", false);
  r.load_level = LevelFromJson(j);
  r.request_id = j.value("request_id", "");
  r.error = ErrorFromString(j.value("error", "none"));
  r.http_status = static_cast<long>(IntOr(j, "http_status", 0));
  r.error_message = j.value("error_message", "");
  r.retries_429 = static_cast<std::int32_t>(IntOr(j, "retries_429", 0));
  r.scheduled_ns = IntOr(j, "scheduled_ns", 0);
  r.intended_ns = IntOr(j, "intended_ns", 0);
  r.turn = static_cast<std::int32_t>(IntOr(j, "turn", 0));
  r.start_ns = IntOr(j, "start_ns", 0);
  r.first_byte_ns = IntOr(j, "first_byte_ns", 0);
  r.done_ns = IntOr(j, "done_ns", 0);
  if (const auto chunks = j.find("chunk_ns"); chunks != j.end() && !chunks->is_null()) {
    if (!chunks->is_array()) throw std::runtime_error("'chunk_ns' is not an array");
    r.chunk_ns.reserve(chunks->size());
    for (const auto& c : *chunks) {
      const double d = c.is_number() ? c.get<double>() : NAN;
      if (!(d >= 0 && d < 9.2e18)) throw std::runtime_error("'chunk_ns' holds something other than a stamp");
      r.chunk_ns.push_back(c.is_number_integer() ? c.get<std::int64_t>() : static_cast<std::int64_t>(d));
    }
  }
  r.target_input_tokens = IntOr(j, "target_input_tokens", 0);
  r.max_tokens = IntOr(j, "max_tokens", 0);
  r.prompt_tokens = IntOr(j, "prompt_tokens");
  r.completion_tokens = IntOr(j, "completion_tokens");
  r.cached_prompt_tokens = IntOr(j, "cached_prompt_tokens");
  r.evaluated_prompt_tokens = IntOr(j, "evaluated_prompt_tokens");
  r.token_events = IntOr(j, "token_events", 0);
  r.text_bytes = IntOr(j, "text_bytes", 0);
  r.connect_ns = IntOr(j, "connect_ns");
  if (const auto s = j.find("server"); s != j.end()) {
    r.server = {IntOr(*s, "queue_ns"), IntOr(*s, "prompt_ns"), IntOr(*s, "completion_ns"), IntOr(*s, "total_ns")};
  }
  r.finish_reason = j.value("finish_reason", "");
  const auto flag = [&](const char* key) -> std::int8_t {
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() ? static_cast<std::int8_t>(it->get<bool>() ? 1 : 0) : -1;
  };
  r.own_code = flag("own_code");
  r.rate_wait_ns = IntOr(j, "rate_wait_ns", 0);
  r.excluded = flag("excluded") == 1;
  r.streamed = flag("streamed") != 0;
  r.expect_matched = flag("expect_matched");
  return r;
}

json ToJson(const metrics::Summary& s) {
  json distributions = json::object();
  for (const auto& [id, st] : s.distributions) {
    json& d = distributions[id] = {{"count", st.count}, {"mean", st.mean}, {"stddev", st.stddev},
                                   {"min", st.min},     {"max", st.max},   {"p50", st.p50},
                                   {"p90", st.p90},     {"p95", st.p95},   {"p99", st.p99}};
    // A large sample's percentiles come from buckets (metrics::SampleStore): within this fraction.
    if (st.rel_error > 0) d["percentile_rel_error"] = st.rel_error;
  }
  json out = PutLevel({{"requests", s.requests},
                       {"succeeded", s.succeeded},
                       {"warmup", s.warmup},
                       {"errors", s.errors},
                       {"cut_short", s.cut_short},
                       {"output_tokens_counted", s.output_tokens_counted},
                       {"input_tokens_counted", s.input_tokens_counted},
                       {"level", s.level},
                       {"distributions", distributions}},
                      s.load_level);
  if (s.load_level.open()) {
    out["dropped"] = s.dropped;
    out["late_sends"] = s.late_sends;
  }
  if (s.load_level.open() || !s.invalid.empty()) out["invalid"] = s.invalid;
  return out;
}

metrics::Summary SummaryFromJson(const json& j) {
  metrics::Summary s;
  s.load_level = LevelFromJson(j);
  s.requests = IntOr(j, "requests", 0);
  s.succeeded = IntOr(j, "succeeded", 0);
  s.warmup = IntOr(j, "warmup", 0);
  s.errors = j.value("errors", std::map<std::string, std::int64_t>{});
  s.cut_short = j.value("cut_short", false);
  s.dropped = IntOr(j, "dropped", 0);
  s.late_sends = IntOr(j, "late_sends", 0);
  s.invalid = j.value("invalid", "");
  s.output_tokens_counted = j.value("output_tokens_counted", false);
  s.input_tokens_counted = j.value("input_tokens_counted", false);
  // Bind to locals: items() of a temporary would dangle inside the loop.
  const json level = j.value("level", json::object());
  for (const auto& [k, v] : level.items()) s.level[k] = v.is_number() ? v.get<double>() : std::nan("");
  const json distributions = j.value("distributions", json::object());
  for (const auto& [id, d] : distributions.items()) {
    const double rel_error = NumberOrNaN(d, "percentile_rel_error");
    s.distributions.emplace_back(
        id,
        metrics::Stats{IntOr(d, "count", 0), NumberOrNaN(d, "mean"), NumberOrNaN(d, "stddev"), NumberOrNaN(d, "min"),
                       NumberOrNaN(d, "max"), NumberOrNaN(d, "p50"), NumberOrNaN(d, "p90"), NumberOrNaN(d, "p95"),
                       NumberOrNaN(d, "p99"), std::isnan(rel_error) ? 0.0 : std::clamp(rel_error, 0.0, 1.0)});
  }
  return s;
}

json ToJson(const Fingerprint& f) {
  return {{"settings", f.settings},
          {"engine", f.engine},
          {"hardware", f.hardware},
          {"harness", f.harness},
          {"served_model", f.served_model}};
}

Fingerprint FingerprintFromJson(const json& j) {
  return {j.value("settings", ""), j.value("engine", ""), j.value("hardware", ""), j.value("harness", ""),
          j.value("served_model", "")};
}

json ToJson(const Comparison& c) {
  return PutLevel({{"metric", c.metric},
                   {"statistic", c.statistic},
                   {"n_base", c.n_base},
                   {"n_run", c.n_run},
                   {"base", c.base},
                   {"run", c.run},
                   {"change", c.change},
                   {"ci_low", c.ci_low},
                   {"ci_high", c.ci_high},
                   {"mde", c.mde},
                   {"se", c.se},
                   {"alpha", c.alpha},
                   {"sigma", c.sigma},
                   {"sigma_between", c.sigma_between},
                   {"dof", c.dof},
                   {"p_worse", c.p_worse},
                   {"significant", c.significant},
                   {"method", c.method},
                   {"busy_excluded", c.busy_excluded},
                   {"all_busy", c.all_busy},
                   {"tolerance", c.tolerance},
                   {"lower_is_better", c.lower_is_better},
                   {"gating", c.gating},
                   {"decisive", c.decisive},
                   {"verdict", ToString(c.verdict)},
                   {"note", c.note}},
                  c.load_level);
}

Comparison ComparisonFromJson(const json& j) {
  Comparison c;
  c.metric = j.value("metric", "");
  c.statistic = j.value("statistic", "");
  c.load_level = LevelFromJson(j);
  c.n_base = CountOr(j, "n_base");
  c.n_run = CountOr(j, "n_run");
  c.base = NumberOrNaN(j, "base");
  c.run = NumberOrNaN(j, "run");
  c.change = NumberOrNaN(j, "change");
  c.ci_low = NumberOrNaN(j, "ci_low");
  c.ci_high = NumberOrNaN(j, "ci_high");
  c.mde = NumberOrNaN(j, "mde");
  c.se = NumberOrNaN(j, "se");
  c.alpha = j.value("alpha", 0.025);
  c.sigma = NumberOrNaN(j, "sigma");
  c.sigma_between = j.value("sigma_between", 0.0);
  c.dof = NumberOrNaN(j, "dof");
  c.p_worse = j.value("p_worse", 1.0);
  c.significant = j.value("significant", false);
  c.method = j.value("method", "");
  c.busy_excluded = CountOr(j, "busy_excluded");
  c.all_busy = j.value("all_busy", false);
  c.tolerance = NumberOrNaN(j, "tolerance");
  c.lower_is_better = j.value("lower_is_better", true);
  c.gating = j.value("gating", true);
  c.decisive = j.value("decisive", true);
  const std::string v = j.value("verdict", "unchanged");
  for (const auto ch : {Change::Regressed, Change::Improved, Change::Warn, Change::Unchanged, Change::Inconclusive,
                        Change::Insufficient}) {
    if (ToString(ch) == v) c.verdict = ch;
  }
  c.note = j.value("note", "");
  return c;
}

json ToJson(const ThresholdResult& t) {
  return PutLevel({{"rule", t.rule},
                   {"measured", t.measured},
                   {"limit", t.limit},
                   {"unit", t.unit},
                   {"passed", t.passed},
                   {"check", t.check}},
                  t.load_level);
}

ThresholdResult ThresholdResultFromJson(const json& j) {
  return {j.value("rule", ""), LevelFromJson(j),         NumberOrNaN(j, "measured"), NumberOrNaN(j, "limit"),
          j.value("unit", ""), j.value("passed", false), j.value("check", "")};
}

std::string DumpJson(const json& j, int indent) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

json ToJson(const HostLoad& h) {
  const auto num = [](double x) { return std::isnan(x) ? json(nullptr) : json(x); };
  return {{"cpu_wait", num(h.cpu_wait)},
          {"wait_per_slice_us", num(h.wait_per_slice_us)},
          {"steal", num(h.steal)},
          {"others_cores", num(h.others_cores)},
          {"engine_cores", num(h.engine_cores)},
          {"engine_rss_mib", num(h.engine_rss_mib)},
          {"gpu_utilization", num(h.gpu_utilization)},
          {"gpu_memory_mib", num(h.gpu_memory_mib)},
          {"loadavg1", num(h.loadavg1)},
          {"busy", h.busy},
          {"why", h.why}};
}

HostLoad HostLoadFromJson(const json& j) {
  HostLoad h;
  h.cpu_wait = NumberOrNaN(j, "cpu_wait");
  h.wait_per_slice_us = NumberOrNaN(j, "wait_per_slice_us");
  h.steal = NumberOrNaN(j, "steal");
  h.others_cores = NumberOrNaN(j, "others_cores");
  h.engine_cores = NumberOrNaN(j, "engine_cores");
  h.engine_rss_mib = NumberOrNaN(j, "engine_rss_mib");
  h.gpu_utilization = NumberOrNaN(j, "gpu_utilization");
  h.gpu_memory_mib = NumberOrNaN(j, "gpu_memory_mib");
  h.loadavg1 = NumberOrNaN(j, "loadavg1");
  h.busy = j.value("busy", false);
  h.why = j.value("why", "");
  return h;
}

json ToJson(const RunData& r) {
  json j = PutLevel({{"attempt", r.attempt},
                     {"repetition", r.repetition},
                     {"session", r.session},
                     {"requests", r.requests},
                     {"errors", r.errors},
                     {"values", r.values},
                     {"samples", r.samples},
                     {"host", ToJson(r.host)}},
                    r.load_level);
  if (!r.rejected.empty()) j["rejected"] = r.rejected;
  if (!r.invalid.empty()) j["invalid"] = r.invalid;
  return j;
}

RunData RunDataFromJson(const json& j) {
  RunData r;
  r.load_level = LevelFromJson(j);
  r.attempt = static_cast<int>(IntOr(j, "attempt", 1));
  r.repetition = static_cast<int>(IntOr(j, "repetition", 1));
  r.session = j.value("session", "");
  r.requests = IntOr(j, "requests", 0);
  r.errors = IntOr(j, "errors", 0);
  r.invalid = j.value("invalid", "");
  const json values = j.value("values", json::object());
  for (const auto& [k, v] : values.items()) {
    if (v.is_number() && v.get<double>() > 0) r.values[k] = v.get<double>();
  }
  r.samples = j.value("samples", std::map<std::string, std::int64_t>{});
  r.host = HostLoadFromJson(j.value("host", json::object()));
  r.rejected = j.value("rejected", "");
  return r;
}

json ToJson(const protocol::EngineIdentity& e) {
  return {{"model", e.model}, {"engine", e.engine}, {"version", e.version}, {"sources", e.sources}};
}

protocol::EngineIdentity EngineIdentityFromJson(const json& j) {
  return {j.value("model", ""), j.value("engine", ""), j.value("version", ""),
          j.value("sources", std::vector<std::string>{})};
}

json BaselineToJson(const CaseData& c, const json& noise) {
  json runs = json::array();
  for (const auto& r : c.runs) runs.push_back(ToJson(r));
  return {{"schema", kBaselineSchema},
          {"case", c.case_id},
          {"fingerprint", ToJson(c.fingerprint)},
          {"engine_identity", ToJson(c.engine)},
          {"commit", c.commit},
          {"date", c.date},
          {"host", c.host},
          {"sessions", c.sessions},
          {"noise", noise},
          {"runs", runs}};
}

CaseData BaselineFromJson(const json& j) {
  if (j.value("schema", "") != kBaselineSchema) {
    throw std::runtime_error("not an " + std::string(kBaselineSchema) + " file (schema '" + j.value("schema", "") +
                             "'): bless it again with `llmbench baseline update`");
  }
  CaseData c;
  c.case_id = j.value("case", "");
  c.fingerprint = FingerprintFromJson(j.value("fingerprint", json::object()));
  c.engine = EngineIdentityFromJson(j.value("engine_identity", json::object()));
  c.commit = j.value("commit", "");
  c.date = j.value("date", "");
  c.host = j.value("host", "");
  c.sessions = static_cast<int>(std::clamp<std::int64_t>(IntOr(j, "sessions", 1), 1, 1'000'000));
  for (const auto& r : j.value("runs", json::array())) c.runs.push_back(RunDataFromJson(r));
  if (c.runs.empty()) throw std::runtime_error("a baseline without runs");
  return c;
}

std::vector<CaseData> CasesFromResults(const json& results) {
  if (const std::string schema = results.value("schema", ""); schema != kResultsSchema) {
    throw std::runtime_error(
        fmt::format("not an {} file (schema '{}'): results of another llmbench version", kResultsSchema, schema));
  }
  std::vector<CaseData> out;
  const json& provenance = results.value("provenance", json::object());
  for (const auto& entry : results.value("cases", json::array())) {
    if (entry.value("runs", json::array()).empty()) continue;
    CaseData c;
    c.case_id = entry.value("id", "");
    c.fingerprint = FingerprintFromJson(entry.value("fingerprint", json::object()));
    c.engine = EngineIdentityFromJson(entry.value("engine_identity", json::object()));
    c.commit = provenance.value("git_commit", "");
    c.date = provenance.value("started_utc", "");
    c.host = provenance.value("host", "");
    for (const auto& run : entry.at("runs")) c.runs.push_back(RunDataFromJson(run));
    for (const auto& a : entry.value("attempts", json::array())) {
      AttemptInfo info;
      info.status = a.value("status", "passed");
      info.message = a.value("message", "");
      for (const auto& t : a.value("thresholds", json::array())) info.thresholds.push_back(ThresholdResultFromJson(t));
      c.attempts[static_cast<int>(IntOr(a, "attempt", 1))] = std::move(info);
    }
    out.push_back(std::move(c));
  }
  return out;
}

json ReadJsonFile(const std::string& path) {
  constexpr std::uintmax_t kMaxJsonBytes = std::uintmax_t{16} << 30;  // a results file of millions of requests
  const std::string text = ReadRegularFile(path, kMaxJsonBytes, "JSON file");
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace llmbench::gate
