// The search for a case's highest rate under its SLO ([load.slo_search]): bisection in log space
// over open-loop probes. RateSearch is the pure decision (which rate next, what the answer is);
// RunSloSearch drives the probes on the load generator and reports every one of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "load/load_generator.hpp"
#include "metrics/summary.hpp"
#include "pipeline/fit_lengths.hpp"
#include "pipeline/plan.hpp"
#include "prompt/dataset.hpp"
#include "report/results_file.hpp"
#include "scenario/expand.hpp"

namespace llmbench::pipeline {

/// Bisection for the highest rate at which a probe holds. Probes max_rate first (an engine that
/// holds there needs no search), then min_rate, then the geometric middle of the bracket until
/// its ends are within a factor 1 + precision.
class RateSearch {
 public:
  explicit RateSearch(const scenario::SloSearch& spec);
  /// The next rate to probe; nullopt when the answer is known.
  std::optional<double> Next() const;
  void Record(double rate, bool holds);
  /// The highest rate that held (0 when even min_rate did not).
  double Result() const;
  /// "" within the range; "at least max_rate" or "below min_rate" at its ends.
  std::string Bound() const;

 private:
  scenario::SloSearch spec_;
  std::optional<bool> max_holds_, min_holds_;
  double lo_ = 0, hi_ = 0;  ///< held at lo_, failed at hi_
};

struct Probe {
  double rate = 0;
  double attainment = 0;  ///< share of its measured requests that met every SLO
  bool holds = false;
  std::string invalid;  ///< metrics::JudgeOpenLoop's reason, if any
  metrics::Summary summary;
};

struct SearchOutcome {
  double max_rate = 0;  ///< req/s
  std::string bound;
  std::vector<Probe> probes;
  std::string client_bound;  ///< a probe the client could not keep: the result is the client's, not the engine's
  std::string problem;       ///< the engine's tokenizer failed to fit a probe's prompts: no result
};

/// One repetition's search. Every probe's records go to records.jsonl as they finish. With a
/// `fitter` (the engine's tokenizer) each probe's prompts get their exact input lengths first,
/// as every level's do.
SearchOutcome RunSloSearch(const scenario::Case& c, const PlannedRun& run, load::LoadGenerator& generator,
                           report::ResultsFile& results, const prompt::PromptSource& prompts,
                           LengthFitter* fitter = nullptr);

/// The search as a level summary (max_rate_under_slo, search_probes).
metrics::Summary SearchSummary(const SearchOutcome& s);

}  // namespace llmbench::pipeline
