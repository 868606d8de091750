// Reading a run's output in the end-to-end tests: results.json holds the summaries and the
// gate's per-run statistics, records.jsonl beside it every request. ReadResults joins them back
// (each run gets "records": its lines of records.jsonl, in file order), so a test can check a
// run's requests against its summary.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>

namespace llmbench::testing {

// A run's level as results.json and records.jsonl both spell it (gate::PutLevel's fields).
inline std::string LevelKey(const nlohmann::json& j) {
  std::string key;
  for (const char* field : {"concurrency", "rate", "trace", "sweep", "search"}) {
    if (j.contains(field)) key += std::string(field) + "=" + j[field].dump() + ";";
  }
  return key;
}

inline nlohmann::json ReadResults(const std::string& results_path) {
  using nlohmann::json;
  std::ifstream in(results_path);
  if (!in) throw std::runtime_error("cannot read " + results_path);
  json results = json::parse(in);
  const auto records_path = std::filesystem::path(results_path).parent_path() / "records.jsonl";
  std::map<std::tuple<std::string, int, int, std::string>, json> by_run;
  std::ifstream lines(records_path);
  for (std::string line; std::getline(lines, line);) {
    const json r = json::parse(line);
    // A run is (case, attempt, repetition, level).
    const std::string level = LevelKey(r);
    auto& run = by_run[{r.at("case").get<std::string>(), r.value("attempt", 1), r.value("repetition", 1), level}];
    if (run.is_null()) run = json::array();
    run.push_back(r);
  }
  for (auto& c : results["cases"]) {
    for (auto& run : c["runs"]) {
      if (run.contains("records")) throw std::runtime_error(results_path + ": results.json holds records");
      const std::string level = LevelKey(run);
      const auto it =
          by_run.find({c["id"].get<std::string>(), run.value("attempt", 1), run.value("repetition", 1), level});
      run["records"] = it == by_run.end() ? json::array() : it->second;
    }
  }
  return results;
}

}  // namespace llmbench::testing
