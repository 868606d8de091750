// A case's verdict: thresholds, the baseline comparison, and what the run itself reported,
// folded into one outcome with reasons. Keeps "the server regressed" (Failed) apart from "the
// measurement did not work" (Error), "nothing to judge" (Skipped) and "this runner was too
// noisy to tell" (Inconclusive: never a failure, never a silent pass).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "gate/case_data.hpp"
#include "gate/compare.hpp"
#include "gate/gated.hpp"
#include "gate/thresholds.hpp"

namespace llmbench::gate {

enum class Outcome { Passed, Failed, Error, Skipped, Inconclusive };
std::string_view ToString(Outcome o);

/// Family-wise error level of a case's gated comparisons (Holm, one-sided "worse").
inline constexpr double kFamilyAlpha = 0.05;

/// Every gated metric at every level both sides have, plus the error rate; Holm across the
/// gated ones, then each verdict. This run's busy runs are left out while at least two clean
/// runs, and a majority, remain; otherwise the level counts as busy, and a comparison that does
/// not come out clearly fine is Inconclusive. The one code path for a ctest case and `llmbench compare`.
std::vector<Comparison> CompareCases(const CaseData& baseline, const CaseData& run);

/// Why two fingerprints are not comparable ("" when they are).
std::string FingerprintMismatch(const Fingerprint& baseline, const Fingerprint& run);

struct GateOptions {
  bool strict = false;              ///< a missing baseline fails
  bool accept_regressions = false;  ///< regressed → warn (an acknowledged regression)
};

/// What an earlier attempt of the case found (kept when a regression or a busy runner was
/// re-measured), shown beside the final verdict.
struct AttemptVerdict {
  int attempt = 1;
  Outcome outcome = Outcome::Passed;
  std::vector<std::string> reasons;
  std::vector<Comparison> comparisons;
};

struct CaseVerdict {
  std::string case_id;
  Outcome outcome = Outcome::Passed;
  std::vector<std::string> reasons;  ///< why it failed / errored / was skipped / was inconclusive
  std::vector<std::string> notes;    ///< what was not gated and why (too few samples, busy runs left out)
  std::vector<ThresholdResult> thresholds;
  std::string baseline_state;   ///< "compared" | "missing" | "mismatch" | "not requested"
  std::string baseline_detail;  ///< path, commit/date, or the mismatch
  std::vector<Comparison> comparisons;
  bool acknowledged = false;  ///< a regression turned into a warning by GateOptions
  int attempt = 1;            ///< which attempt this verdict judges
  std::vector<AttemptVerdict> earlier;
};

struct JudgeInput {
  std::string case_id;
  std::string run_status;  ///< "passed" (measured), "failed" (measurement failed), "skipped"
  std::string run_message;
  std::vector<ThresholdResult> thresholds;
  const CaseData* run = nullptr;       ///< the runs of one attempt; null when nothing ran
  const CaseData* baseline = nullptr;  ///< null: missing (or not requested when path is empty)
  std::string baseline_path;
  GateOptions options;
};

CaseVerdict Judge(const JudgeInput& in);

/// One verdict of a case from the verdicts of its level shards (`llmbench run --level`, the
/// tests of SPLIT_LEVELS): the worst outcome (error, failed, inconclusive, skipped, passed), and
/// every reason, note, threshold and comparison of each.
CaseVerdict MergeShards(CaseVerdict a, const CaseVerdict& b);

/// Whether a verdict deserves a second measurement before it stands: it failed on baseline
/// regressions only (not on thresholds or errors), or it is inconclusive because of a busy runner.
bool NeedsConfirmation(const CaseVerdict& v);

/// The final verdict from the first attempt and the re-measurement: a regression stands only
/// if the same statistic at the same level regressed both times; otherwise the second
/// attempt's verdict, with the first kept in `earlier`.
CaseVerdict Confirm(const CaseVerdict& first, CaseVerdict second);

nlohmann::json ToJson(const CaseVerdict& v);
CaseVerdict VerdictFromJson(const nlohmann::json& j);

}  // namespace llmbench::gate
