// `llmbench baseline update RESULTS...`: bless measured results as the baselines. Several
// results of the same case (repeated runs) also give the run-to-run noise σ_run per metric.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/gate_case.hpp"
#include "base/find_files.hpp"
#include "gate/json_codec.hpp"
#include "metrics/statistics.hpp"

namespace llmbench::app {
namespace {

namespace fs = std::filesystem;

// Every case of every file, grouped by case id, with the provenance of its file.
std::map<std::string, std::vector<gate::CaseData>> LoadCases(const std::vector<std::string>& files) {
  std::map<std::string, std::vector<gate::CaseData>> cases;
  for (const auto& f : files) {
    for (auto& c : gate::CasesFromResults(gate::ReadJsonFile(f))) cases[c.case_id].push_back(std::move(c));
  }
  return cases;
}

double SampleStddev(const std::vector<double>& v) {
  double mean = 0;
  for (const double x : v) mean += x / static_cast<double>(v.size());
  double ss = 0;
  for (const double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// σ_run of ln(statistic) across runs, per gated key, pooled over levels.
std::map<std::string, double> RunToRunNoise(const std::vector<gate::CaseData>& runs) {
  std::map<std::string, std::vector<double>> sigmas;
  for (const auto& level : runs.front().levels) {
    for (const auto& g : gate::kGatedMetrics) {
      std::vector<double> logs;
      for (const auto& run : runs) {
        const gate::LevelData* l = run.Level(level.summary.concurrency);
        if (!l) continue;
        double v = std::nan("");
        if (g.q < 0) {
          const auto it = l->summary.level.find(g.metric);
          if (it != l->summary.level.end()) v = it->second;
        } else if (auto it = l->samples.find(g.metric); it != l->samples.end() && !it->second.empty()) {
          auto sorted = it->second;
          std::sort(sorted.begin(), sorted.end());
          v = metrics::Percentile(sorted, g.q);
        }
        if (v > 0) logs.push_back(std::log(v));
      }
      if (logs.size() >= 2) sigmas[gate::NoiseKey(g)].push_back(SampleStddev(logs));
    }
  }
  std::map<std::string, double> out;
  for (const auto& [key, values] : sigmas) {
    double sum_sq = 0;
    for (const double s : values) sum_sq += s * s;
    out[key] = std::sqrt(sum_sq / static_cast<double>(values.size()));  // RMS over levels
  }
  return out;
}

int Update(const std::vector<std::string>& paths, const std::string& baselines) {
  try {
    const auto files = FindFiles(
        paths, [](const fs::path& p) { return p.filename() == "results.json"; }, true);
    if (files.empty()) throw std::runtime_error("no results.json found");
    for (auto& [id, runs] : LoadCases(files)) {
      gate::CaseData data = runs.front();
      data.runs = static_cast<int>(runs.size());
      if (runs.size() >= 2) data.sigma_run = RunToRunNoise(runs);
      const std::string path = BaselinePath(baselines, id);
      report::Provenance p;
      p.git_commit = data.commit;
      p.started_utc = data.date;
      p.host = data.host;
      WriteBaseline(path, data, p);
      fmt::print("{}: {} run(s){} → {}\n", id, runs.size(),
                 runs.size() >= 2 ? ", run-to-run noise measured" : ", default run-to-run noise (5%)", path);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command AddBaselineCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("baseline", "Manage stored baselines");
  cmd->require_subcommand(1);
  auto* update =
      cmd->add_subcommand("update", "Bless results as baselines (several runs of a case: σ_run measured too)");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto dir = std::make_shared<std::string>("baselines");
  update->add_option("results", *paths, "results.json files or directories containing them")->required();
  update->add_option("--baselines", *dir, "Baselines directory")->capture_default_str();
  return [paths, dir] { return Update(*paths, *dir); };
}

}  // namespace llmbench::app
