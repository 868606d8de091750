#include "gate/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "gate/json_codec.hpp"

namespace llmbench::gate {
namespace {

double SigmaRun(const CaseData& baseline, const std::string& key) {
  const auto it = baseline.sigma_run.find(key);
  return it == baseline.sigma_run.end() ? kDefaultSigmaRun : std::max(it->second, kMinSigmaRun);
}

double LevelValue(const LevelData& l, const char* id) {
  const auto it = l.summary.level.find(id);
  return it == l.summary.level.end() ? std::nan("") : it->second;
}

std::string Percent(double x) { return fmt::format("{:+.1f}%", x * 100); }

}  // namespace

std::string_view ToString(Outcome o) {
  switch (o) {
    case Outcome::Passed:
      return "passed";
    case Outcome::Failed:
      return "failed";
    case Outcome::Error:
      return "error";
    case Outcome::Skipped:
      return "skipped";
  }
  return "?";
}

std::string NoiseKey(const GatedMetric& g) {
  return g.q < 0 ? std::string(g.metric) : fmt::format("{}.p{}", g.metric, static_cast<int>(std::lround(g.q * 100)));
}

std::vector<Comparison> CompareCases(const CaseData& baseline, const CaseData& run) {
  std::vector<Comparison> out;
  for (const auto& level : run.levels) {
    const LevelData* base = baseline.Level(level.summary.concurrency);
    if (!base) continue;
    for (const auto& g : kGatedMetrics) {
      Comparison c;
      if (g.q < 0) {
        c = CompareScalar(g.metric, LevelValue(*base, g.metric), LevelValue(level, g.metric), g.tolerance,
                          SigmaRun(baseline, NoiseKey(g)), false);
      } else {
        const auto find = [&](const LevelData& l) {
          const auto it = l.samples.find(g.metric);
          return it == l.samples.end() ? std::vector<double>{} : it->second;
        };
        c = CompareQuantile(g.metric, g.q, find(*base), find(level), g.tolerance, SigmaRun(baseline, NoiseKey(g)),
                            true);
      }
      c.concurrency = level.summary.concurrency;
      c.gating = g.gating;
      if (!g.gating && c.verdict == Change::Regressed) c.verdict = Change::Warn;
      out.push_back(std::move(c));
    }
    const auto errors = [](const metrics::Summary& s) { return s.requests - s.succeeded; };
    Comparison e = CompareErrorRate(errors(base->summary), base->summary.requests, errors(level.summary),
                                    level.summary.requests, kErrorRateTolerance);
    e.concurrency = level.summary.concurrency;
    out.push_back(std::move(e));
  }
  return out;
}

std::string FingerprintMismatch(const Fingerprint& b, const Fingerprint& r) {
  if (b.settings != r.settings) return "the case's settings changed (class, load levels, seed, engine options)";
  if (b.engine != r.engine) return fmt::format("engine '{}' vs baseline '{}'", r.engine, b.engine);
  if (b.hardware != r.hardware) return fmt::format("hardware '{}' vs baseline '{}'", r.hardware, b.hardware);
  if (b.harness != r.harness) return fmt::format("llmbench {} vs baseline {}", r.harness, b.harness);
  return "";
}

CaseVerdict Judge(const std::string& case_id, const std::string& run_status, const std::string& run_message,
                  std::vector<ThresholdResult> thresholds, const CaseData* run, const CaseData* baseline,
                  const std::string& baseline_path, const GateOptions& options) {
  CaseVerdict v;
  v.case_id = case_id;
  v.thresholds = std::move(thresholds);
  if (run_status == "skipped") {
    v.outcome = Outcome::Skipped;
    v.reasons.push_back(run_message);
    v.baseline_state = "not compared";
    return v;
  }
  if (run_status != "passed") {
    v.outcome = Outcome::Error;
    v.reasons.push_back(run_message);
  }
  for (const auto& t : v.thresholds) {
    if (!t.passed) {
      if (v.outcome == Outcome::Passed) v.outcome = Outcome::Failed;
      v.reasons.push_back(fmt::format("threshold '{}' broken at concurrency {}: measured {:.4g} {}", t.rule,
                                      t.concurrency, t.measured, t.unit));
    }
  }
  if (baseline_path.empty()) {
    v.baseline_state = "not requested";
  } else if (!baseline) {
    v.baseline_state = "missing";
    v.baseline_detail = baseline_path;
    if (options.strict && v.outcome == Outcome::Passed) {
      v.outcome = Outcome::Failed;
      v.reasons.push_back("no baseline at " + baseline_path + " (strict mode)");
    }
  } else if (const std::string why = run ? FingerprintMismatch(baseline->fingerprint, run->fingerprint) : "no data";
             !why.empty()) {
    v.baseline_state = "mismatch";
    v.baseline_detail = why;
  } else {
    v.baseline_state = "compared";
    v.baseline_detail =
        fmt::format("{} (commit {}, {})", baseline_path, baseline->commit.substr(0, 12), baseline->date);
    v.comparisons = CompareCases(*baseline, *run);
    for (auto& c : v.comparisons) {
      if (c.verdict != Change::Regressed) continue;
      const std::string what = fmt::format("{}{} at concurrency {} regressed {} ({:.4g} → {:.4g}, 95% CI {} … {})",
                                           c.metric, c.statistic.empty() ? "" : "." + c.statistic, c.concurrency,
                                           Percent(c.change), c.base, c.run, Percent(c.ci_low), Percent(c.ci_high));
      if (options.accept_regressions) {
        c.verdict = Change::Warn;
        v.acknowledged = true;
        v.reasons.push_back("acknowledged: " + what);
      } else {
        if (v.outcome == Outcome::Passed) v.outcome = Outcome::Failed;
        v.reasons.push_back(what);
      }
    }
  }
  return v;
}

nlohmann::json ToJson(const CaseVerdict& v) {
  nlohmann::json thresholds = nlohmann::json::array(), comparisons = nlohmann::json::array();
  for (const auto& t : v.thresholds) thresholds.push_back(ToJson(t));
  for (const auto& c : v.comparisons) comparisons.push_back(ToJson(c));
  return {{"case", v.case_id},
          {"outcome", ToString(v.outcome)},
          {"reasons", v.reasons},
          {"thresholds", thresholds},
          {"baseline", {{"state", v.baseline_state}, {"detail", v.baseline_detail}}},
          {"comparisons", comparisons},
          {"acknowledged", v.acknowledged}};
}

CaseVerdict VerdictFromJson(const nlohmann::json& j) {
  CaseVerdict v;
  v.case_id = j.value("case", "");
  const std::string outcome = j.value("outcome", "error");
  for (const auto o : {Outcome::Passed, Outcome::Failed, Outcome::Error, Outcome::Skipped}) {
    if (ToString(o) == outcome) v.outcome = o;
  }
  v.reasons = j.value("reasons", std::vector<std::string>{});
  for (const auto& t : j.value("thresholds", nlohmann::json::array()))
    v.thresholds.push_back(ThresholdResultFromJson(t));
  v.baseline_state = j["baseline"].value("state", "");
  v.baseline_detail = j["baseline"].value("detail", "");
  for (const auto& c : j.value("comparisons", nlohmann::json::array())) v.comparisons.push_back(ComparisonFromJson(c));
  v.acknowledged = j.value("acknowledged", false);
  return v;
}

}  // namespace llmbench::gate
