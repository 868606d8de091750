#include "gate/baseline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "base/atomic_file.hpp"
#include "gate/compare.hpp"
#include "gate/gated.hpp"
#include "gate/json_codec.hpp"
#include "gate/verdict.hpp"
#include "metrics/statistics.hpp"

namespace llmbench::gate {
namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return metrics::Percentile(v, 0.5);
}

// 1.4826·MAD: the stddev of a normal sample, robust to a few wild values.
double RobustSigma(const std::vector<double>& v) {
  const double m = Median(v);
  std::vector<double> dev;
  for (const double x : v) dev.push_back(std::fabs(x - m));
  return 1.4826 * Median(dev);
}

std::vector<RunData*> Kept(CaseData& c, const scenario::Level& level) {
  std::vector<RunData*> out;
  for (auto& r : c.runs) {
    if (r.load_level == level && r.rejected.empty()) out.push_back(&r);
  }
  return out;
}

// Leaves out busy runs while ≥ 2 clean ones remain, then the worst outliers (at most a third):
// robust z > kOutlierZ and off the median by more than the statistic's tolerance.
void RejectRuns(CaseData& c, const scenario::Level& level) {
  for (RunData* r : Kept(c, level)) {  // an open-loop run that did not keep its schedule measured another load
    if (!r->invalid.empty()) r->rejected = "invalid: " + r->invalid;
  }
  auto kept = Kept(c, level);
  const auto clean = std::count_if(kept.begin(), kept.end(), [](const RunData* r) { return !r->host.busy; });
  if (clean >= 2) {
    for (RunData* r : kept) {
      if (r->host.busy) r->rejected = "busy runner: " + r->host.why;
    }
  }
  kept = Kept(c, level);
  if (kept.size() < 4) return;
  std::vector<std::pair<double, RunData*>> worst;  // (max |z| over gated keys, run)
  std::map<RunData*, std::string> why;
  for (RunData* r : kept) worst.emplace_back(0.0, r);
  for (const auto& g : kGatedMetrics) {
    if (!g.gating) continue;
    std::vector<double> logs;
    for (RunData* r : kept) {
      if (auto it = r->values.find(g.Key()); it != r->values.end()) logs.push_back(std::log(it->second));
    }
    if (logs.size() < 4) continue;
    const double m = Median(logs), s = std::max(RobustSigma(logs), kMinSigma);
    for (auto& [z, r] : worst) {
      const auto it = r->values.find(g.Key());
      if (it == r->values.end()) continue;
      // An outlier must also be off by more than the tolerance: on a quiet runner the MAD is
      // tiny and a run 2 % off would otherwise be "4 σ" away, and a session that drifts a few
      // percent is run-to-run noise the baseline must keep, not an outlier.
      const double off = std::fabs(std::log(it->second) - m);
      if (off < std::log1p(g.tolerance)) continue;
      const double zr = off / s;
      if (zr > z) {
        z = zr;
        why[r] = fmt::format("outlier: {} {:.4g} is {:.1f} robust σ from the median {:.4g}", g.Key(), it->second, zr,
                             std::exp(m));
      }
    }
  }
  std::sort(worst.begin(), worst.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const std::size_t max_rejected = (kept.size() - 1) / 3;
  for (std::size_t i = 0; i < worst.size() && i < max_rejected && worst[i].first > kOutlierZ; ++i)
    worst[i].second->rejected = why[worst[i].second];
}

}  // namespace

std::string BaselinePath(const std::string& baselines_dir, const std::string& case_id) {
  return (std::filesystem::path(baselines_dir) / (case_id + ".json")).string();
}

std::optional<CaseData> LoadBaseline(const std::string& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  try {
    return BaselineFromJson(ReadJsonFile(path));
  } catch (const std::exception& e) {
    throw std::runtime_error("baseline " + path + ": " + e.what());
  }
}

CaseData BuildBaseline(const std::vector<CaseData>& sessions) {
  if (sessions.empty()) throw std::runtime_error("no runs to bless");
  CaseData out = sessions.front();
  out.runs.clear();
  for (const auto& s : sessions) {
    if (const auto why = FingerprintMismatch(out.fingerprint, s.fingerprint); !why.empty())
      throw std::runtime_error(fmt::format("{}: runs from different settings cannot be pooled ({})", s.case_id, why));
    for (auto r : s.Attempt(0).runs) {
      r.rejected.clear();
      out.runs.push_back(std::move(r));
    }
    // The newest session's provenance describes the blessing.
    if (s.date > out.date) {
      out.commit = s.commit;
      out.date = s.date;
      out.host = s.host;
      if (!s.engine.empty()) out.engine = s.engine;
    }
    if (out.fingerprint.served_model.empty()) out.fingerprint.served_model = s.fingerprint.served_model;
  }
  // Sessions: the most that measured one level. Shards of one session (--level) are one each.
  out.sessions = 1;
  for (const scenario::Level& level : out.Levels()) {
    RejectRuns(out, level);
    std::set<std::string> ids;
    for (const auto& r : out.runs) {
      if (r.load_level == level) ids.insert(r.session);
    }
    out.sessions = std::max(out.sessions, static_cast<int>(ids.size()));
  }
  return out;
}

nlohmann::json NoiseSummary(const CaseData& baseline) {
  nlohmann::json levels = nlohmann::json::array();
  CaseData copy = baseline;
  for (const scenario::Level& level : copy.Levels()) {
    const auto kept = Kept(copy, level);
    nlohmann::json keys = nlohmann::json::object();
    for (const auto& g : kGatedMetrics) {
      std::vector<double> logs;
      for (const RunData* r : kept) {
        if (auto it = r->values.find(g.Key()); it != r->values.end()) logs.push_back(std::log(it->second));
      }
      if (logs.size() < 2) continue;
      const double raw = metrics::Describe(logs).stddev, sigma = std::max(raw, kMinSigma);  // the test floors it
      // What a case of 3 runs could resolve against this baseline (pooled t, equal noise).
      const double k = static_cast<double>(logs.size());
      // At the Bonferroni level of a quickstart-sized family (8 gated comparisons, 5 %).
      const double t = boost::math::quantile(boost::math::students_t(k + 3 - 2), 1 - 0.05 / 8);
      keys[g.Key()] = {{"runs", logs.size()},
                       {"sigma", raw},
                       {"sigma_robust", RobustSigma(logs)},
                       {"mde_3_runs", std::expm1(t * sigma * std::sqrt(1 / k + 1.0 / 3))},
                       {"tolerance", g.tolerance}};
    }
    levels.push_back({{"level", scenario::ShortLabel(level)}, {"kept_runs", kept.size()}, {"keys", keys}});
  }
  return levels;
}

void WriteBaseline(const std::string& path, const CaseData& baseline) {
  WriteFileAtomically(
      path, [&](std::ostream& out) { out << DumpJson(BaselineToJson(baseline, NoiseSummary(baseline)), 1) << '\n'; });
}

}  // namespace llmbench::gate
