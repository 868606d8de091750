#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "base/find_files.hpp"
#include "gate/json_codec.hpp"
#include "gate/verdict.hpp"
#include "report/engine_compare.hpp"
#include "report/run_report.hpp"

namespace llmbench::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void SplitId(CaseReport& c) {
  const auto a = c.id.find('/');
  const auto b = c.id.find('/', a == std::string::npos ? a : a + 1);
  c.scenario = c.id.substr(0, a);
  if (a != std::string::npos) c.engine = c.id.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) c.prompt_class = c.id.substr(b + 1);
}

// Each first-attempt run's cost figures (from its own summary), beside its gated values: the
// engine comparison compares them like the others.
void AddRunCosts(const json& entry, std::vector<gate::RunData>& runs) {
  for (const auto& run : entry.value("runs", json::array())) {
    if (run.value("attempt", 1) != 1) continue;
    const json& level = run.value("summary", json::object()).value("level", json::object());
    const scenario::Level at = gate::SummaryFromJson(run.at("summary")).load_level;
    for (auto& r : runs) {
      if (r.load_level != at || r.repetition != run.value("repetition", 1)) continue;
      for (const char* key : kCostKeys) {
        if (const auto it = level.find(key); it != level.end() && it->is_number() && it->get<double>() > 0)
          r.values[key] = it->get<double>();
      }
    }
  }
}

void AddDirectory(const fs::path& dir, RunReport& report) {
  const json verdicts = gate::ReadJsonFile((dir / "verdicts.json").string());
  json results;
  if (fs::exists(dir / "results.json")) results = gate::ReadJsonFile((dir / "results.json").string());
  // One client host's part of the load (`run --client`) is not a result: its merge is.
  if (results.is_object() && results.contains("client")) {
    fmt::print(stderr, "note: {} holds one client host's part of the load: left out (report its `llmbench merge`)\n",
               dir.string());
    return;
  }
  if (results.is_object()) {
    const json& p = results["provenance"];
    const std::string scenario = results["scenario"].value("name", "");
    report.scenarios[scenario] = {p.value("git_commit", ""), p.value("host", ""), p.value("started_utc", ""),
                                  p.value("harness_version", ""), ""};
  }
  // Every run's gated statistics, rebuilt from its raw records (as `compare` reads them); results
  // of another version render without them (no engine comparison), they do not stop the report.
  std::vector<gate::CaseData> cases_data;
  try {
    if (results.is_object()) cases_data = gate::CasesFromResults(results);
  } catch (const std::exception& e) {
    fmt::print(stderr, "note: {}: {}; its cases are reported without engine comparisons\n", dir.string(), e.what());
  }
  // Per-request samples of every case in this folder, from one pass over records.jsonl.
  RecordSamples samples;
  if (results.is_object()) {
    const std::string path = (dir / "records.jsonl").string();
    try {
      samples = ReadRecordSamples(path);
      if (samples.bad_lines > 0)
        fmt::print(stderr, "note: {}: {} lines are not records (a run cut off mid-line?); left out\n", path,
                   samples.bad_lines);
    } catch (const std::exception& e) {
      fmt::print(stderr, "note: {}; its cases are reported without their CDFs and timelines\n", e.what());
    }
  }
  for (const auto& v : verdicts) {
    CaseReport c;
    c.verdict = gate::VerdictFromJson(v);
    c.id = c.verdict.case_id;
    SplitId(c);
    if (results.is_object()) {
      const json& settings = results["scenario"].value("settings", json::object());
      c.started_utc = results["provenance"].value("started_utc", "");
      c.host = results["provenance"].value("host", "");
      c.engine_settings = gate::DumpJson(settings.value("engines", json::object()).value(c.engine, json::object()));
      c.load_settings = gate::DumpJson(settings.value("load", json::object()));
      // The first attempt: both engines' same number of runs (a confirming attempt is the gate's).
      for (auto& data : cases_data) {
        if (data.case_id == c.id) c.runs = data.Attempt(1).runs;
      }
      for (const auto& entry : results["cases"]) {
        if (entry.value("id", "") != c.id) continue;
        AddRunCosts(entry, c.runs);
        c.engine_identity = gate::EngineIdentityFromJson(entry.value("engine_identity", json::object()));
        c.level_tags = entry.value("level_tags", std::vector<std::string>{});
        c.measured_tags = entry.value("selected_levels", std::vector<std::string>{});
        if (c.measured_tags.empty()) c.measured_tags = c.level_tags;  // the whole case ran
        c.hardware = entry.value("fingerprint", json::object()).value("hardware", "");
        for (const auto& level : entry.at("levels")) {
          c.levels.push_back(gate::SummaryFromJson(level.at("summary")));
          c.duration_s += c.levels.back().level["duration"];
          // What is here was measured, whatever the file says it selected (older files say nothing).
          c.measured_tags.push_back(scenario::SelectionTag(c.levels.back().load_level));
        }
      }
      if (const auto it = samples.cases.find(c.id); it != samples.cases.end()) c.samples = it->second;
    }
    // A case run in level shards (--level, SPLIT_LEVELS): one case again, its levels in order.
    const auto same =
        std::find_if(report.cases.begin(), report.cases.end(), [&](const auto& x) { return x.id == c.id; });
    if (same == report.cases.end()) {
      report.cases.push_back(std::move(c));
      continue;
    }
    // The same shard found twice (a folder given twice, or inside another one given): once.
    const bool seen = !c.levels.empty() && std::all_of(c.levels.begin(), c.levels.end(), [&](const auto& l) {
      return std::any_of(same->levels.begin(), same->levels.end(),
                         [&](const auto& x) { return x.load_level == l.load_level; });
    });
    if (seen) {
      // The same levels again: a newer run of the whole case replaces an older one (run folders are
      // kept, and `report reports/runs` sees them all); anything else is the same shard twice.
      if (same->shards == 1 && c.started_utc > same->started_utc && c.measured_tags == same->measured_tags) {
        fmt::print(stderr, "note: {}: the run of {} in {} replaces an older one ({})\n", c.id, c.started_utc,
                   dir.string(), same->started_utc);
        *same = std::move(c);
        continue;
      }
      fmt::print(stderr, "note: {} in {}: its levels are reported already (from another folder); left out\n", c.id,
                 dir.string());
      continue;
    }
    ++same->shards;
    same->verdict = gate::MergeShards(std::move(same->verdict), c.verdict);
    same->levels.insert(same->levels.end(), c.levels.begin(), c.levels.end());
    std::stable_sort(same->levels.begin(), same->levels.end(),
                     [](const auto& a, const auto& b) { return a.load_level < b.load_level; });
    same->duration_s += c.duration_s;
    same->runs.insert(same->runs.end(), c.runs.begin(), c.runs.end());
    same->samples.insert(same->samples.end(), c.samples.begin(), c.samples.end());
    std::stable_sort(same->samples.begin(), same->samples.end(),
                     [](const auto& a, const auto& b) { return a.level < b.level; });
    same->measured_tags.insert(same->measured_tags.end(), c.measured_tags.begin(), c.measured_tags.end());
  }
}

// A case split by level whose shards do not cover its levels: a CI job did not deliver its
// folder, and what it measured was never judged. Never a pass.
void FlagMissingShards(CaseReport& c, bool complete) {
  std::vector<std::string> missing;
  for (const auto& tag : c.level_tags) {
    if (std::find(c.measured_tags.begin(), c.measured_tags.end(), tag) == c.measured_tags.end()) missing.push_back(tag);
  }
  if (missing.empty()) return;
  const std::string why = fmt::format("no results for level(s) {} of this case", fmt::join(missing, ", "));
  if (!complete) {  // a run of some levels on purpose (--level), or one CI shard's own report
    c.verdict.notes.push_back(why + " (not run here)");
    return;
  }
  c.verdict.reasons.push_back(why +
                              ": a shard is missing (a CI job that failed or did not upload its folder?); its levels "
                              "were never judged");
  if (c.verdict.outcome != gate::Outcome::Failed) c.verdict.outcome = gate::Outcome::Error;
}

}  // namespace

RunReport CollectRunReport(const std::vector<std::string>& dirs, bool complete) {
  RunReport report;
  const auto is_verdicts = [](const fs::path& p) { return p.filename() == "verdicts.json"; };
  std::set<fs::path> read;  // a folder given twice, or inside another one given, is read once
  for (const auto& file : FindFiles(dirs, is_verdicts, true)) {
    if (!is_verdicts(file) || !fs::exists(file) || !read.insert(fs::canonical(file)).second) continue;
    AddDirectory(fs::path(file).parent_path(), report);
  }
  std::sort(report.cases.begin(), report.cases.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (auto& c : report.cases) FlagMissingShards(c, complete);
  return report;
}

}  // namespace llmbench::report
