// Engine A vs B: two engines' cases of one scenario and prompt class, side by side, level by
// level. Each gated statistic is compared with the gate's own test (gate::CompareRuns on the
// per-run values of the first attempt, invalid runs left out, B against A; runs on a busy runner
// count and are named in the fairness block): the
// ratio B/A with its 95 % interval, which way is better, and the winner where the interval
// excludes a tie and every run had a value. The error rate is compared as the gate compares it
// (two-proportion z-test). A sweep's points are not compared: each engine placed them at its
// own rates. The fairness block says what was the same and
// what was not (prompts, parameters, warm-up, when each ran, engine identity and versions).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "report/run_report.hpp"

namespace llmbench::report {

/// Cost figures compared per run like the gated statistics (each run's own summary; present
/// when the engines have prices: cost_per_hour or token prices).
inline constexpr const char* kCostKeys[] = {"cost_per_1k_requests", "cost_per_million_output_tokens"};

struct EngineRow {
  std::string key;  ///< "ttft.p50", "output_throughput"
  scenario::Level level;
  double a = 0, b = 0;                        ///< geometric means over the runs, catalogue unit
  double ratio = 0, ci_low = 0, ci_high = 0;  ///< B / A and its 95 % interval
  bool lower_is_better = true;
  std::string unit;
  std::string winner;            ///< the engine's name, or "" when the interval includes 1 (no clear winner)
  std::size_t n_a = 0, n_b = 0;  ///< runs per side with a value
  bool difference = false;       ///< error rate: a and b are fractions, compared by their difference
  std::string note;              ///< why no winner could be named although the interval says one
};

struct EnginePair {
  std::string scenario, prompt_class, a, b;
  std::vector<EngineRow> rows;
  std::vector<std::string> fairness;  ///< one line each; a line starting "⚠️" is a difference
  std::map<std::string, int> wins;    ///< per engine: metrics won
};

/// Every scenario × class with several engines: the first engine (by name) against each other,
/// or, with `a` and `b`, those two wherever both ran. Throws std::runtime_error when `a`/`b`
/// name no pair that ran.
std::vector<EnginePair> CompareEngines(const RunReport& report, const std::string& a = "", const std::string& b = "");

/// "1.199 [1.186, 1.213]"; "+2.10 pt" (error rate); "1.2 (too few runs)"; with the note.
std::string RatioText(const EngineRow& row);

/// Markdown: the fairness block, then a table per pair (metric, level, A, B, B/A [95 % CI],
/// better, winner).
std::string EnginePairMarkdown(const EnginePair& pair);

}  // namespace llmbench::report
