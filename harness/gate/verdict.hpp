// A case's verdict: thresholds, the baseline comparison, and what the run itself reported,
// folded into one outcome with reasons. Keeps "the server regressed" (Failed) apart from "the
// measurement did not work" (Error) and "nothing to judge" (Skipped).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "gate/case_data.hpp"
#include "gate/compare.hpp"
#include "gate/thresholds.hpp"

namespace llmbench::gate {

enum class Outcome { Passed, Failed, Error, Skipped };
std::string_view ToString(Outcome o);

/// A gated metric: quantile q of per-request samples, or q < 0 for a one-number level metric.
/// Report-only metrics can warn but never fail (GATING.md: many gates multiply false alarms).
struct GatedMetric {
  const char* metric;
  double q;
  double tolerance;
  bool gating;
};

/// The curated set: TTFT p50 / p95, TPOT p50, output throughput gate; E2E p50 is report-only.
/// ITL is gated through TPOT, which has one sample per request (pooled chunk gaps are not
/// independent samples). Error rate is compared separately (1 percentage point).
inline constexpr GatedMetric kGatedMetrics[] = {{"ttft", 0.50, 0.05, true},
                                                {"ttft", 0.95, 0.10, true},
                                                {"tpot", 0.50, 0.05, true},
                                                {"e2e", 0.50, 0.05, false},
                                                {"output_throughput", -1, 0.05, true}};
inline constexpr double kErrorRateTolerance = 0.01;
inline constexpr double kDefaultSigmaRun = 0.05;
/// Floor on a measured σ_run: from a few blessed runs (typically 3) the standard deviation is
/// known only to about ±50 %, and runs on a quiet machine understate what a CI runner sees.
inline constexpr double kMinSigmaRun = 0.02;

/// The key of a gated metric's run-to-run noise in CaseData::sigma_run: "ttft.p50", or the
/// metric id for one-number metrics. Written by `baseline update`, read by CompareCases.
std::string NoiseKey(const GatedMetric& g);

/// Every gated metric at every concurrency level both sides have. The one code path for a
/// ctest case and for `llmbench compare A B`.
std::vector<Comparison> CompareCases(const CaseData& baseline, const CaseData& run);

/// Why two fingerprints are not comparable ("" when they are).
std::string FingerprintMismatch(const Fingerprint& baseline, const Fingerprint& run);

struct GateOptions {
  bool strict = false;              ///< a missing baseline fails
  bool accept_regressions = false;  ///< regressed → warn (an acknowledged regression)
};

struct CaseVerdict {
  std::string case_id;
  Outcome outcome = Outcome::Passed;
  std::vector<std::string> reasons;  ///< why it failed / errored / was skipped; notes otherwise
  std::vector<ThresholdResult> thresholds;
  std::string baseline_state;   ///< "compared" | "missing" | "mismatch" | "not requested"
  std::string baseline_detail;  ///< path, commit/date, or the mismatch
  std::vector<Comparison> comparisons;
  bool acknowledged = false;  ///< a regression turned into a warning by GateOptions
};

/// `run_status`: "passed" (measured), "failed" (measurement failed), "skipped".
/// `baseline` null: missing (or not requested when `baseline_path` is empty).
CaseVerdict Judge(const std::string& case_id, const std::string& run_status, const std::string& run_message,
                  std::vector<ThresholdResult> thresholds, const CaseData* run, const CaseData* baseline,
                  const std::string& baseline_path, const GateOptions& options);

nlohmann::json ToJson(const CaseVerdict& v);
CaseVerdict VerdictFromJson(const nlohmann::json& j);

}  // namespace llmbench::gate
