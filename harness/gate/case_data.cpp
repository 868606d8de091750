#include "gate/case_data.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <thread>

#include "base/hash.hpp"
#include "base/version.hpp"
#include "metrics/request_metrics.hpp"

namespace llmbench::gate {
namespace {

std::string Hash(const std::string& text) { return fmt::format("{:016x}", Fnv1a(text)); }

std::string MajorMinor(std::string_view version) {
  const auto second_dot = version.find('.', version.find('.') + 1);
  return std::string(version.substr(0, second_dot));
}

}  // namespace

const LevelData* CaseData::Level(std::int64_t concurrency) const {
  for (const auto& l : levels) {
    if (l.summary.concurrency == concurrency) return &l;
  }
  return nullptr;
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

Fingerprint MakeFingerprint(const scenario::Case& c) {
  const auto& e = c.engine;
  const auto& p = c.prompt_class;
  const auto& l = c.load;
  // What was asked for: the same prompts, lengths, levels and options. Request counts and
  // durations are left out: more samples make a comparison sharper, not invalid.
  const std::string settings =
      fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", e.protocol, e.sim ? e.sim->wire : "", e.model,
                  e.force_output_length, e.extra_body_json, p.input_tokens, p.input_stddev, p.output_tokens,
                  p.output_stddev, fmt::join(l.concurrency, ","), l.seed, l.temperature.value_or(-1));
  return {Hash(settings), fmt::format("{} {} {}", e.name, e.protocol, e.model), HardwareId(), MajorMinor(kVersion)};
}

LevelData MakeLevelData(const metrics::Summary& summary, const std::vector<load::Record>& records) {
  LevelData level{summary, {}};
  for (const char* id : kSampledMetrics) level.samples[id];
  for (const auto& r : records) {
    if (r.warmup || r.error != load::ErrorKind::None) continue;
    const auto m = metrics::Measure(r);
    if (!std::isnan(m.ttft)) level.samples["ttft"].push_back(m.ttft);
    if (!std::isnan(m.tpot)) level.samples["tpot"].push_back(m.tpot);
    level.samples["e2e"].push_back(m.e2e);
  }
  return level;
}

}  // namespace llmbench::gate
