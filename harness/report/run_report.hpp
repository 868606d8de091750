// RunReport: everything the reporters need, collected from per-case output directories.
// Reporters are pure functions of it (and of the clock/host/version injected into it), so
// golden files need no normalising.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "gate/verdict.hpp"
#include "metrics/summary.hpp"
#include "protocol/identity.hpp"
#include "report/samples.hpp"

namespace llmbench::report {

struct CaseReport {
  std::string id;  ///< scenario/engine/class
  std::string scenario, engine, prompt_class;
  gate::CaseVerdict verdict;
  std::vector<metrics::Summary> levels;
  double duration_s = 0;  ///< sum of the levels' wall time
  // What an engine-vs-engine comparison needs (report/engine_compare.hpp).
  std::vector<gate::RunData> runs;  ///< every run's gated statistics, from its raw records
  protocol::EngineIdentity engine_identity;
  std::string hardware;         ///< the machine that ran the harness
  std::string started_utc;      ///< when its invocation started
  std::string host;             ///< the machine it ran on
  int shards = 1;               ///< folders merged into it (a case split by level)
  std::string engine_settings;  ///< the engine's table as the run read it (compact JSON)
  std::string load_settings;    ///< the scenario's [load] (compact JSON): warm-up, repetitions, …
  /// A case split by level (--level): every level tag it has, and those its shards measured.
  std::vector<std::string> level_tags, measured_tags;
  /// Per-request figures of each level, from records.jsonl (the CDFs and the timeline).
  std::vector<LevelSamples> samples;
};

struct ScenarioInfo {
  std::string git_commit, host, started_utc, harness_version, description;
};

struct RunReport {
  std::string generated_utc;  ///< injected: the reporters never read a clock
  std::string host;
  std::string harness_version;
  std::vector<CaseReport> cases;  ///< sorted by id
  std::map<std::string, ScenarioInfo> scenarios;
  /// Engines compared side by side (`report --compare A B`); empty: the first engine of each
  /// scenario × class against each other one.
  std::string compare_a, compare_b;
  /// Where the Markdown summary links the chart files (`report --charts-url`): relative to
  /// summary.md by default, as `llmbench report` writes them beside it.
  std::string charts_url = "charts/";
};

/// Reads every verdicts.json under `dirs` (recursively) with the results.json beside it. A case
/// split by level whose folders lack some of its levels gets a note; with `complete` (the final
/// merge of CI shards) it is an error instead: a shard never arrived. Throws
/// std::runtime_error for unreadable files.
RunReport CollectRunReport(const std::vector<std::string>& dirs, bool complete = false);

/// JUnit XML (valid against the Jenkins xUnit junit-10.xsd): a testsuite per scenario with
/// provenance properties, a testcase per case and per check (threshold, baseline comparison),
/// <failure> for regressions and broken thresholds, <error> for measurement failures,
/// <skipped> with the reason, key=value metrics in <system-out>.
void WriteJUnit(const RunReport& report, std::ostream& out);

/// Markdown for a PR comment or a step summary: the verdict line first, then per scenario a
/// case table, failures, charts (Mermaid xychart-beta, each with its table) and per-level
/// details folded in <details>. Never longer than `max_chars`; says what it cut.
void WriteMarkdown(const RunReport& report, std::ostream& out, std::size_t max_chars = 65536);

/// index.html: one self-contained file (inline SVG charts, no network, tables sortable by a
/// few lines of inline script): verdicts first, every case and level, every baseline comparison
/// with its interval and MDE, the engine comparisons with their fairness blocks.
void WriteHtml(const RunReport& report, std::ostream& out);

}  // namespace llmbench::report
