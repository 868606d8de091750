// The baseline store: DIR/<scenario>/<engine>/<class>.json, and how blessing runs become a
// baseline. A baseline pools the runs of every blessing session (the last attempt of each),
// then leaves out runs that would distort the reference: runs on a busy runner, and outlier
// runs (robust z > 3.5 on a gated statistic, median/MAD of ln values, and off the median by
// more than the tolerance, per level; at most a third); both are
// kept in the file with the reason, so a reviewer sees what was dropped.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "gate/case_data.hpp"

namespace llmbench::gate {

std::string BaselinePath(const std::string& baselines_dir, const std::string& case_id);

/// nullopt when the file does not exist; a malformed one throws std::runtime_error.
std::optional<CaseData> LoadBaseline(const std::string& path);

/// One baseline from several sessions of the same case (fingerprints must agree: throws).
CaseData BuildBaseline(const std::vector<CaseData>& sessions);

/// Per level and gated key: kept runs, sigma (sample stddev of ln), sigma_robust (1.4826·MAD)
/// and the minimum detectable change a 3-run case could resolve against it.
nlohmann::json NoiseSummary(const CaseData& baseline);

/// Writes the baseline (indented, one value per line: a reviewable diff).
void WriteBaseline(const std::string& path, const CaseData& baseline);

/// Robust z-score above which a blessing run is an outlier.
inline constexpr double kOutlierZ = 3.5;

}  // namespace llmbench::gate
