// `llmbench baseline update RESULTS...`: bless measured results as the baselines. Each
// results.json is one session; a case's baseline pools the runs of every session given (see
// gate/baseline.hpp: busy and outlier runs are left out, with the reason), and prints the
// run-to-run noise it measured and what a 3-run case can resolve against it.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "base/find_files.hpp"
#include "gate/baseline.hpp"
#include "gate/json_codec.hpp"

namespace llmbench::app {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::vector<gate::CaseData>> LoadSessions(const std::vector<std::string>& files) {
  std::map<std::string, std::vector<gate::CaseData>> cases;
  for (const auto& f : files) {
    const auto results = gate::ReadJsonFile(f);
    if (results.is_object() && results.contains("client")) {  // a part of the load: its merge is the result
      fmt::print(stderr, "note: {} holds one client host's part of the load: left out (bless its `llmbench merge`)\n",
                 f);
      continue;
    }
    for (auto& c : gate::CasesFromResults(results)) cases[c.case_id].push_back(std::move(c));
  }
  return cases;
}

void PrintNoise(const gate::CaseData& b) {
  for (const auto& r : b.runs) {
    if (!r.rejected.empty())
      fmt::print("  left out: {} session {} run {}: {}\n", scenario::ShortLabel(r.load_level), r.session, r.repetition,
                 r.rejected);
  }
  for (const auto& level : gate::NoiseSummary(b)) {
    std::string line =
        fmt::format("  {}: {} runs kept;", level["level"].get<std::string>(), level["kept_runs"].get<std::size_t>());
    for (const auto& [key, n] : level["keys"].items()) {
      const double mde = n["mde_3_runs"].get<double>(), tol = n["tolerance"].get<double>();
      line += fmt::format(" {} σ_run {:.4f} (MDE {:.1f}%{})", key, n["sigma"].get<double>(), mde * 100,
                          mde > tol ? fmt::format(" > ±{:.0f}%: cannot resolve", tol * 100) : "");
    }
    fmt::print("{}\n", line);
  }
}

int Update(const std::vector<std::string>& paths, const std::string& baselines) {
  try {
    const auto files = FindFiles(
        paths, [](const fs::path& p) { return p.filename() == "results.json"; }, true);
    if (files.empty()) throw std::runtime_error("no results.json found");
    const auto all = LoadSessions(files);
    if (all.empty()) throw std::runtime_error("the results hold no case that ran: nothing to bless");
    for (const auto& [id, sessions] : all) {
      const gate::CaseData baseline = gate::BuildBaseline(sessions);
      const std::string path = gate::BaselinePath(baselines, id);
      gate::WriteBaseline(path, baseline);
      fmt::print("{}: {} session(s) from {} results file(s), {} runs → {}\n", id, baseline.sessions, sessions.size(),
                 baseline.runs.size(), path);
      PrintNoise(baseline);
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
  auto* update = cmd->add_subcommand(
      "update", "Bless results as baselines, pooling every session given (run-to-run noise measured and shown)");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto dir = std::make_shared<std::string>("baselines");
  update->add_option("results", *paths, "results.json files or directories containing them")->required();
  update->add_option("--baselines", *dir, "Baselines directory")->capture_default_str();
  return [paths, dir] { return Update(*paths, *dir); };
}

}  // namespace llmbench::app
