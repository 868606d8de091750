#include "report/samples.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "gate/json_codec.hpp"
#include "metrics/request_metrics.hpp"

namespace llmbench::report {
namespace {

using nlohmann::json;

// Raw stamps of repetition 1, kept until the level's first sends are known.
struct Stamps {
  std::int64_t start = 0, first = 0, done = 0;
  bool failed = false;
};

struct Accumulator {
  LevelSamples samples;
  std::vector<Stamps> first_repetition;
};

// The level's samples sorted, and its timeline: the first kTimelineRequests sends of repetition 1.
LevelSamples Finish(const scenario::Level& level, Accumulator& acc) {
  LevelSamples s = std::move(acc.samples);
  s.level = level;
  for (auto* v : {&s.ttft, &s.tpot, &s.e2e}) std::sort(v->begin(), v->end());
  auto& stamps = acc.first_repetition;
  s.timeline_requests = static_cast<std::int64_t>(stamps.size());
  const auto by_start = [](const Stamps& a, const Stamps& b) { return a.start < b.start; };
  if (stamps.size() > kTimelineRequests) {
    std::nth_element(stamps.begin(), stamps.begin() + kTimelineRequests, stamps.end(), by_start);
    stamps.resize(kTimelineRequests);
  }
  std::sort(stamps.begin(), stamps.end(), by_start);
  const std::int64_t t0 = stamps.empty() ? 0 : stamps.front().start;
  const auto ms = [&](std::int64_t ns) { return static_cast<double>(ns - t0) / 1e6; };
  for (const Stamps& st : stamps)
    s.timeline.push_back({ms(st.start), st.first > 0 ? ms(st.first) : -1.0, ms(st.done), st.failed});
  return s;
}

}  // namespace

RecordSamples ReadRecordSamples(const std::string& path) {
  RecordSamples out;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  if (!std::filesystem::is_regular_file(path, ec)) throw std::runtime_error(path + ": not a regular file");
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  // case → attempt → level → what is collected.
  std::map<std::string, std::map<int, std::map<scenario::Level, Accumulator>>> all;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const json j = json::parse(line, nullptr, false);
    load::Record r;
    try {
      if (!j.is_object() || !j.contains("case")) throw std::runtime_error("not a record");
      r = gate::RecordFromJson(j);
    } catch (const std::exception&) {
      ++out.bad_lines;
      continue;
    }
    if (r.warmup) continue;
    const int attempt = j.value("attempt", 1), repetition = j.value("repetition", 1);
    Accumulator& acc = all[j.value("case", "")][attempt][r.load_level];
    const bool ok = r.error == load::ErrorKind::None && !r.chunk_ns.empty();
    if (ok) {
      const metrics::RequestMetrics m = metrics::Measure(r);
      if (std::isfinite(m.ttft)) acc.samples.ttft.push_back(m.ttft);
      if (std::isfinite(m.tpot)) acc.samples.tpot.push_back(m.tpot);
      if (std::isfinite(m.e2e)) acc.samples.e2e.push_back(m.e2e);
    }
    if (repetition == 1 && r.start_ns > 0) {
      acc.first_repetition.push_back(
          {r.start_ns, r.chunk_ns.empty() ? 0 : r.chunk_ns.front(), std::max(r.done_ns, r.start_ns), !ok});
    }
  }
  if (in.bad()) throw std::runtime_error(fmt::format("{}: read error: {}", path, std::strerror(errno)));
  for (auto& [case_id, by_attempt] : all) {
    std::vector<LevelSamples>& levels = out.cases[case_id];
    for (auto& [level, acc] : by_attempt.rbegin()->second) levels.push_back(Finish(level, acc));
  }
  return out;
}

}  // namespace llmbench::report
