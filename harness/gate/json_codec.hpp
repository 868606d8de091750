// JSON for the gate's data, in one place: Record and Summary (results.json), CaseData (baseline
// files), Comparison and ThresholdResult (verdict.json). Numbers are written shortest
// round-trip (nlohmann) and read back exactly; NaN is written as null.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "gate/case_data.hpp"
#include "gate/compare.hpp"
#include "gate/thresholds.hpp"
#include "load/record.hpp"
#include "metrics/summary.hpp"

namespace llmbench::gate {

/// JSON text for files: bytes that are not UTF-8 (a server's error message, say) become U+FFFD
/// instead of an exception that would lose the file. indent -1 = one line.
std::string DumpJson(const nlohmann::json& j, int indent = -1);

nlohmann::json ToJson(const load::Record& r);
load::Record RecordFromJson(const nlohmann::json& j);
/// records.jsonl's line for `r` (ending in '\n'), appended to `out`: ToJson(r) with "case",
/// "attempt" and "repetition", written straight to text (the writer thread's per-request work:
/// no JSON object is built, strings that need no escaping are copied as they are).
void AppendRecordLine(const load::Record& r, std::string_view case_id, int attempt, int repetition, std::string& out);
nlohmann::json ToJson(const metrics::Summary& s);
metrics::Summary SummaryFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const Fingerprint& f);
Fingerprint FingerprintFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const Comparison& c);
Comparison ComparisonFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const ThresholdResult& t);
ThresholdResult ThresholdResultFromJson(const nlohmann::json& j);

nlohmann::json ToJson(const HostLoad& h);
HostLoad HostLoadFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const RunData& r);
RunData RunDataFromJson(const nlohmann::json& j);

inline constexpr const char* kBaselineSchema = "llmbench-baseline/2";
inline constexpr const char* kResultsSchema = "llmbench-results/2";

/// Baseline file content: provenance, fingerprint, every blessing run's statistics (rejected
/// ones with the reason), and `noise` (per level and key, for the reviewer; the gate recomputes
/// it from the runs).
nlohmann::json ToJson(const protocol::EngineIdentity& e);
protocol::EngineIdentity EngineIdentityFromJson(const nlohmann::json& j);
nlohmann::json BaselineToJson(const CaseData& c, const nlohmann::json& noise);
/// Throws std::runtime_error naming what is wrong.
CaseData BaselineFromJson(const nlohmann::json& j);

/// Every case of a results.json, its runs rebuilt from their raw records (so `compare` and
/// `baseline update` compute exactly what a live run does), with each attempt's status and
/// threshold results. Cases that did not run are left out; another schema throws.
std::vector<CaseData> CasesFromResults(const nlohmann::json& results);

/// Reads a JSON file; throws std::runtime_error with the path on failure.
nlohmann::json ReadJsonFile(const std::string& path);

}  // namespace llmbench::gate
