#include "pipeline/merge_clients.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "gate/json_codec.hpp"
#include "gate/verdict.hpp"
#include "pipeline/execute.hpp"

namespace llmbench::pipeline {
namespace {

using nlohmann::json;

std::int64_t Required(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer())
    throw std::runtime_error(fmt::format("{}: no integer '{}': not written by `llmbench run --client`", where, key));
  return it->get<std::int64_t>();
}

// A record's stamps moved by `by` ns (0 stays 0: "not stamped", a closed loop's intended time).
void Shift(load::Record& r, std::int64_t by) {
  const auto move = [by](std::int64_t& t) {
    if (t != 0) t += by;
  };
  move(r.scheduled_ns);
  move(r.intended_ns);
  move(r.start_ns);
  move(r.first_byte_ns);
  move(r.done_ns);
  for (auto& t : r.chunk_ns) move(t);
}

// The busiest host's figures: a run is on a busy runner when any of its clients was.
void Worst(gate::HostLoad& into, const gate::HostLoad& h, const std::string& name) {
  const auto max = [](double& a, double b) {
    if (std::isnan(a) || b > a) a = b;
  };
  max(into.cpu_wait, h.cpu_wait);
  max(into.wait_per_slice_us, h.wait_per_slice_us);
  max(into.steal, h.steal);
  max(into.others_cores, h.others_cores);
  max(into.loadavg1, h.loadavg1);
  if (h.busy) {
    into.busy = true;
    into.why += (into.why.empty() ? "" : "; ") + name + ": " + h.why;
  }
}

// The engine's own figures (its /metrics, its process): every host saw the same engine over the
// same slot, so part 1's stand for the run.
void CopyEngineFigures(const json& summary_json, metrics::Summary& s) {
  const json level = summary_json.value("level", json::object());
  for (const auto& [key, v] : level.items()) {
    if ((key.rfind("server.", 0) == 0 || key.rfind("engine_", 0) == 0 || key.rfind("gpu_", 0) == 0) && v.is_number())
      s.level[key] = v.get<double>();
  }
}

std::int64_t SendKey(const load::Record& r) { return r.intended_ns != 0 ? r.intended_ns : r.scheduled_ns; }

// A host's records.jsonl, by run. Every line must be a record: a merge that dropped one would
// describe another load than the engine saw.
std::map<RunKey, std::vector<load::Record>> ReadRecords(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw std::runtime_error(fmt::format("{}: missing (`llmbench run --client` writes it beside results.json)", path));
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::map<RunKey, std::vector<load::Record>> out;
  std::string line;
  for (std::int64_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const json j = json::parse(line, nullptr, false);
    try {
      if (!j.is_object() || !j.contains("case")) throw std::runtime_error("not a record");
      load::Record r = gate::RecordFromJson(j);
      out[{j.value("case", ""), j.value("attempt", 1), j.value("repetition", 1)}].push_back(std::move(r));
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}:{}: {}", path, number, e.what()));
    }
  }
  if (in.bad()) throw std::runtime_error(fmt::format("{}: read error: {}", path, std::strerror(errno)));
  return out;
}

}  // namespace

std::vector<ClientResults> ReadClientResults(const std::vector<std::string>& paths) {
  std::vector<ClientResults> out;
  for (const auto& p : paths) {
    ClientResults r;
    r.path = std::filesystem::is_directory(p) ? p + "/results.json" : p;
    r.results = gate::ReadJsonFile(r.path);
    if (!r.results.is_object() || r.results.value("schema", "") != gate::kResultsSchema)
      throw std::runtime_error(fmt::format("{}: not an {} file", r.path, gate::kResultsSchema));
    const json& client = r.results.value("client", json::object());
    if (!client.is_object() || client.empty()) {
      throw std::runtime_error(
          fmt::format("{}: not a client host's results (run with `llmbench run --client K/N`)", r.path));
    }
    r.part = static_cast<std::int32_t>(Required(client, "part", r.path));
    r.of = static_cast<std::int32_t>(Required(client, "of", r.path));
    r.start_utc_ns = Required(client, "start_utc_ns", r.path);
    r.slot_ns = Required(client, "slot_ns", r.path);
    r.warmup_slot_ns = Required(client, "warmup_slot_ns", r.path);
    out.push_back(std::move(r));
  }
  if (out.empty()) throw std::runtime_error("no client results to merge");
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.part < b.part; });
  const ClientResults& first = out.front();
  std::vector<std::string> missing;
  for (std::int32_t k = 1; k <= first.of; ++k) {
    if (std::none_of(out.begin(), out.end(), [&](const auto& r) { return r.part == k; }))
      missing.push_back(fmt::format("{}/{}", k, first.of));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const ClientResults& r = out[i];
    const char* differs = r.of != first.of                           ? "another number of hosts"
                          : r.start_utc_ns != first.start_utc_ns     ? "another --start-at"
                          : r.slot_ns != first.slot_ns               ? "another --slot"
                          : r.warmup_slot_ns != first.warmup_slot_ns ? "another --warmup-slot"
                                                                     : nullptr;
    if (differs != nullptr) {
      throw std::runtime_error(fmt::format("{} (client {}/{}) and {} (client {}/{}) are not parts of one run: {}",
                                           first.path, first.part, first.of, r.path, r.part, r.of, differs));
    }
    if (i > 0 && r.part == out[i - 1].part)
      throw std::runtime_error(fmt::format("{} and {} are both client {}/{}", out[i - 1].path, r.path, r.part, r.of));
  }
  if (!missing.empty()) {
    throw std::runtime_error(fmt::format(
        "client {} missing: without it the engine saw a load the scenario does not describe (give every host's "
        "results)",
        fmt::join(missing, ", ")));
  }
  for (ClientResults& r : out)
    r.records = ReadRecords((std::filesystem::path(r.path).parent_path() / "records.jsonl").string());
  return out;
}

MergedCase MergeCase(const scenario::Case& c, const std::vector<ClientResults>& hosts,
                     const std::vector<const json*>& entries) {
  MergedCase out;
  out.id = c.id;
  out.fields = *entries.front();
  for (const std::string key : {"runs", "levels", "attempts"}) out.fields.erase(key);
  const auto name = [&](std::size_t k) { return fmt::format("client {}/{}", hosts[k].part, hosts[k].of); };
  // The hosts' machines may differ (a CI matrix): the rest of what was measured may not.
  gate::Fingerprint fingerprint = gate::FingerprintFromJson(entries.front()->value("fingerprint", json::object()));
  std::vector<std::string> hardware;
  std::size_t runs = SIZE_MAX, skipped = 0;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const json& e = *entries[k];
    gate::Fingerprint f = gate::FingerprintFromJson(e.value("fingerprint", json::object()));
    if (std::find(hardware.begin(), hardware.end(), f.hardware) == hardware.end()) hardware.push_back(f.hardware);
    f.hardware = fingerprint.hardware;
    const std::string why = gate::FingerprintMismatch(fingerprint, f);
    if (!why.empty())
      throw std::runtime_error(fmt::format("{} ran {} differently from client 1: {}", name(k), c.id, why));
    runs = std::min(runs, e.value("runs", json::array()).size());
    const std::string status = e.value("status", "");
    skipped += status == "skipped";
    if (status != "passed" && out.status == "passed") {
      out.status = status == "skipped" ? "skipped" : "failed";
      out.message = fmt::format("{}: {}", name(k), e.value("message", status));
    }
  }
  // Skipped on some hosts only: the engine had part of the load, not the scenario's.
  if (skipped > 0 && skipped < entries.size()) out.status = "failed";
  std::sort(hardware.begin(), hardware.end());
  fingerprint.hardware = fmt::format("{}", fmt::join(hardware, " + "));
  out.fields["fingerprint"] = gate::ToJson(fingerprint);
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const std::size_t ran = entries[k]->value("runs", json::array()).size();
    if (ran != runs && out.status == "passed") {
      out.status = "failed";
      out.message = fmt::format("{} ran {} runs, another host {}: the merged results hold the first {}", name(k), ran,
                                runs, runs);
    }
  }
  std::vector<scenario::Level> order;
  std::map<scenario::Level, std::vector<std::size_t>> by_level;  // level → its runs in out.runs
  for (std::size_t i = 0; i < runs; ++i) {
    MergedRun m;
    const json& head = entries.front()->at("runs").at(i);
    const gate::RunData first = gate::RunDataFromJson(head);
    load::LevelOutcome& pooled = m.run.outcome;
    pooled.load_level = first.load_level;
    const bool open = first.load_level.open();
    std::int64_t agreed = 0;
    std::vector<std::int64_t> late(hosts.size(), 0);
    m.clients = json::array();
    for (std::size_t k = 0; k < hosts.size(); ++k) {
      const json& run = entries[k]->at("runs").at(i);
      const gate::RunData d = gate::RunDataFromJson(run);
      if (d.load_level != first.load_level || d.attempt != first.attempt || d.repetition != first.repetition) {
        throw std::runtime_error(fmt::format("{}: run {} of {} is {} (repetition {}), on client 1 {} (repetition {})",
                                             name(k), i + 1, c.id, scenario::Describe(d.load_level), d.repetition,
                                             scenario::Describe(first.load_level), first.repetition));
      }
      const json& client = run.value("client", json::object());
      const std::string where = fmt::format("{} run {} of {}", hosts[k].path, i + 1, c.id);
      const std::int64_t by =
          Required(client, "wall_minus_monotonic_ns", where) - (hosts[k].start_utc_ns - kMergedEpochBeforeStartNs);
      if (Required(client, "slot", where) != Required(head.value("client", json::object()), "slot", where)) {
        throw std::runtime_error(
            fmt::format("{}: run {} of {} ran in another slot than on client 1", name(k), i + 1, c.id));
      }
      const std::int64_t anchor = Required(client, "anchor_ns", where) + by;
      if (k == 0) agreed = anchor;
      const std::int64_t first_start = Required(client, "first_start_ns", where);
      const std::int64_t last_done = Required(client, "last_done_ns", where);
      std::int64_t requests = 0;
      const auto own = hosts[k].records.find({c.id, d.attempt, d.repetition});
      if (own != hosts[k].records.end()) {
        for (load::Record r : own->second) {
          if (r.load_level != d.load_level) continue;
          Shift(r, by);
          requests += r.warmup ? 0 : 1;
          m.records.push_back(std::move(r));
        }
      }
      if (first_start != 0) {
        pooled.first_start_ns =
            pooled.first_start_ns == 0 ? first_start + by : std::min(pooled.first_start_ns, first_start + by);
        late[k] = open ? 0 : first_start + by - agreed;  // an open loop's lateness is in its sends' lag
      }
      if (last_done != 0) pooled.last_done_ns = std::max(pooled.last_done_ns, last_done + by);
      pooled.retries_429 += client.value("retries_429", std::int64_t{0});
      pooled.dropped += client.value("dropped", std::int64_t{0});
      pooled.cut_short |= client.value("cut_short", false);
      if (pooled.failed_fast.empty()) pooled.failed_fast = client.value("failed_fast", "");
      Worst(m.data.host, d.host, name(k));
      m.clients.push_back({{"part", hosts[k].part},
                           {"requests", requests},
                           {"slot_start_utc", client.value("slot_start_utc", "")},
                           {"late_start_ms", static_cast<double>(late[k]) / 1e6},
                           {"session", d.session}});
    }
    pooled.anchor_ns = agreed;
    if (open) pooled.schedule_origin_ns = agreed;
    std::stable_sort(m.records.begin(), m.records.end(), [](const auto& a, const auto& b) {
      return SendKey(a) != SendKey(b) ? SendKey(a) < SendKey(b) : a.index < b.index;
    });
    const metrics::Pricing pricing{c.engine.cost_per_hour, c.engine.price_per_million_input,
                                   c.engine.price_per_million_output};
    m.run.tally = metrics::LevelTally(c.slo, c.load.max_schedule_lag);
    for (const load::Record& r : m.records) m.run.tally.Add(r);
    if (c.load.duration.count() > 0 && pooled.schedule_origin_ns > 0) {
      const std::int64_t end = pooled.schedule_origin_ns + c.load.duration.count();
      pooled.drained = std::count_if(m.records.begin(), m.records.end(),
                                     [&](const load::Record& r) { return !r.warmup && r.done_ns > end; });
    }
    m.summary = metrics::Summarize(pooled, m.run.tally, pricing, c.load.duration);
    m.summary.invalid = metrics::JudgeOpenLoop(m.summary, c.load.max_schedule_lag, c.load.max_concurrency);
    for (std::size_t k = 0; k < hosts.size() && m.summary.invalid.empty(); ++k) {
      if (late[k] > c.load.max_schedule_lag.count()) {
        m.summary.invalid = fmt::format(
            "{} began its part {:.1f} ms after the agreed start (limit max_schedule_lag {:.1f} ms): fewer than "
            "{} requests were in flight meanwhile (its warm-up or the previous run overran: lengthen --warmup-slot "
            "or --slot)",
            name(k), late[k] / 1e6, c.load.max_schedule_lag.count() / 1e6, first.load_level.concurrency);
      }
    }
    CopyEngineFigures(head.value("summary", json::object()), m.summary);
    gate::RunData data = gate::MakeRunData(m.summary);
    data.attempt = first.attempt;
    data.repetition = first.repetition;
    data.session = "merged-" + first.session;
    data.invalid = m.summary.invalid;
    data.host = m.data.host;
    m.data = std::move(data);
    if (!by_level.contains(first.load_level)) order.push_back(first.load_level);
    by_level[first.load_level].push_back(out.runs.size());
    out.runs.push_back(std::move(m));
  }
  for (const auto& level : order) {
    std::vector<const LevelRun*> runs;
    std::string invalid;
    for (const std::size_t i : by_level[level]) {
      runs.push_back(&out.runs[i].run);
      if (invalid.empty()) invalid = out.runs[i].summary.invalid;
    }
    metrics::Summary s =
        PoolRuns(runs, {c.engine.cost_per_hour, c.engine.price_per_million_input, c.engine.price_per_million_output},
                 c.load.duration);
    s.invalid = metrics::JudgeOpenLoop(s, c.load.max_schedule_lag, c.load.max_concurrency);
    if (s.invalid.empty()) s.invalid = invalid;
    for (const auto& l : entries.front()->value("levels", json::array())) {
      const json& summary = l.value("summary", json::object());
      if (gate::SummaryFromJson(summary).load_level == level) CopyEngineFigures(summary, s);
    }
    if (s.succeeded == 0 && out.status == "passed") {
      out.status = "failed";
      out.message = fmt::format("no request succeeded at {}", scenario::Describe(level));
    }
    out.levels.push_back(std::move(s));
  }
  return out;
}

}  // namespace llmbench::pipeline
