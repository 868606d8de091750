// The executor: turns an attempt's plan into runs. Each run is one level's warm-up and measured
// requests on the load generator, bracketed by host samples (the disturbed-runner detector),
// recorded as it finishes (records.jsonl at once, results.json after the run), and reduced to
// the gate's RunData. The attempt's pooled summary per level is what thresholds and reports read.
// With [engines.<name>.metrics], the engine's /metrics statistics of each run join its summary
// as "server.<family>.<statistic>" (and server_output_tokens_discrepancy).
#pragma once

#include <string>
#include <vector>

#include "gate/case_data.hpp"
#include "load/load_generator.hpp"
#include "metrics/summary.hpp"
#include "pipeline/client_split.hpp"
#include "pipeline/fit_lengths.hpp"
#include "pipeline/plan.hpp"
#include "prompt/dataset.hpp"
#include "report/results_file.hpp"
#include "scenario/expand.hpp"

namespace llmbench::pipeline {

struct AttemptResult {
  std::vector<gate::RunData> runs;       ///< in execution order
  std::vector<metrics::Summary> levels;  ///< pooled over the repetitions, in load.concurrency order
  std::string status = "passed";         ///< "failed" when a level had no successful request
  std::string message;
};

/// `target` is where `generator` sends (its base URL and headers reach the engine's /metrics).
/// With a `fitter` (the engine's tokenizer), every run's prompts are resized to their exact
/// input length before the run starts; a tokenizer that fails fails the attempt, unmeasured.
/// `engine_pid`: the engine's process on this host (FindLocalEngine), else -1. With a `split`
/// (several client hosts), each run waits for its slot and sends this host's part; its results
/// entry gets a "client" object (the part, the slot, the clock mapping) for `llmbench merge`.
AttemptResult ExecuteAttempt(const scenario::Case& c, const std::vector<PlannedRun>& plan, const load::Target& target,
                             load::LoadGenerator& generator, report::ResultsFile& results, const std::string& session,
                             const prompt::PromptSource& prompts, LengthFitter* fitter = nullptr, int engine_pid = -1,
                             ClientSplit* split = nullptr);

/// The engine's headers (its API key among them) for a side endpoint (/metrics, a tokenizer):
/// all of them under the engine's own URL, none for another host.
std::vector<std::string> HeadersFor(const std::string& url, const load::Target& target);

/// One run of a level as measured: its timing and its tally (no records: those are on disk).
struct LevelRun {
  load::LevelOutcome outcome;
  metrics::LevelTally tally;
};

/// One summary of several runs of a level (at least one): tallies merged, throughput over the
/// sum of the runs' wall times.
metrics::Summary PoolRuns(const std::vector<const LevelRun*>& runs, const metrics::Pricing& pricing,
                          Nanoseconds window = Nanoseconds(0));

}  // namespace llmbench::pipeline
