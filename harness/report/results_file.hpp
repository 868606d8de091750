// results.json, written as the run goes: rewritten atomically after every level, so a run cut
// off half-way keeps every completed level. It holds the summaries and what the gate compares
// (each run's statistics), not the requests: each finished request is appended at once to
// records.jsonl by a writer thread (so even a level cut off keeps its finished requests), and
// is kept nowhere else, so a run's memory does not grow with its requests.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/case_data.hpp"
#include "load/load_generator.hpp"
#include "metrics/summary.hpp"
#include "report/provenance.hpp"
#include "scenario/expand.hpp"

namespace llmbench::report {

class ResultsFile {
 public:
  /// Creates `dir` and writes an initial results.json; throws std::runtime_error when the
  /// directory or file cannot be written (before anything runs).
  ResultsFile(std::string dir, const Provenance& provenance, const scenario::Scenario& scenario);
  ~ResultsFile();

  /// Starts a case entry (status "running") and writes the file.
  void BeginCase(const scenario::Case& c, const std::string& url, const std::string& protocol,
                 const nlohmann::json& fingerprint, const nlohmann::json& engine_identity);
  /// Adds a finished run (one repetition of a level: what the gate reads and its summary) to the
  /// current case and rewrites the file; its records are in records.jsonl.
  /// `engine_metrics_problem`: why the engine's /metrics gave nothing (or less) for this run.
  /// `client`: several client hosts: this host's part and clock mapping (`llmbench merge`).
  void AddRun(const gate::RunData& run, const metrics::Summary& summary, const std::string& engine_metrics_problem = {},
              const nlohmann::json& client = nullptr);
  /// Sets a top-level field (written after the scenario, before the cases), e.g. "clients".
  void SetHeaderField(const std::string& key, nlohmann::json value);
  /// Sets the current case's per-level summaries (pooled over the last attempt's runs: what
  /// thresholds and reports read) and rewrites the file.
  void SetLevels(const std::vector<metrics::Summary>& levels);
  /// An attempt's status and threshold results (what `compare` needs to judge it again).
  void SetAttempt(int attempt, const std::string& status, const std::string& message, const nlohmann::json& thresholds);
  /// Sets a field of the current case (e.g. "input_lengths"); written with the next rewrite.
  void SetCaseField(const std::string& key, nlohmann::json value);
  /// Appends to the case's array `key` (kept across attempts).
  void AppendToCaseField(const std::string& key, nlohmann::json item);
  /// "passed" | "failed" | "skipped" with a reason; rewrites the file.
  void EndCase(const std::string& status, const std::string& message);

  /// Thread-safe and cheap (a move under a lock): queues `r` for records.jsonl; the writer
  /// thread formats it, so the load loop never does. `r` is moved from, and its chunk_ns comes
  /// back as an empty buffer an earlier record used (when one is spare): the load loop reuses it
  /// instead of allocating one per request. The writer wakes per batch of records, or when
  /// results.json is rewritten (which first waits for every queued record to be on disk).
  void StreamRecord(const std::string& case_id, int attempt, int repetition, load::Record& r);

  const std::string& path() const { return path_; }

  /// Why records.jsonl stopped taking records ("" = it took every one): the disk filled up or
  /// failed. The file then ends with its last complete line (a part-written line is cut off), and
  /// the next rewrite of results.json throws WriteError saying so: the run stops.
  std::string RecordsProblem();

 private:
  void Write();
  void WriterLoop();
  /// Waits until the writer has taken every queued record (written, or refused by the disk).
  void Flush();

  /// One case: its fields, the pooled level summaries, and per run its gate data and summary.
  struct CaseEntry {
    nlohmann::json fields;
    nlohmann::json levels = nlohmann::json::array();
    nlohmann::json runs = nlohmann::json::array();
  };

  std::string dir_;
  std::string path_;
  nlohmann::ordered_json header_;  ///< schema, provenance, scenario, definitions (in that order)
  std::vector<CaseEntry> cases_;
  int records_fd_ = -1;
  std::int64_t records_bytes_ = 0;    ///< complete lines on disk (writer thread)
  std::int64_t records_written_ = 0;  ///< records in them (writer thread)
  std::string records_problem_;       ///< under mutex_
  std::mutex mutex_;
  std::condition_variable wake_;     ///< the writer: a batch is full, a flush, or closing
  std::condition_variable drained_;  ///< Flush: the writer took everything queued
  struct Queued {
    std::string case_id;
    int attempt = 1, repetition = 1;
    load::Record record;
  };
  std::vector<Queued> queue_;                      ///< under mutex_; the writer swaps it out whole
  std::vector<std::vector<std::int64_t>> spares_;  ///< written records' chunk buffers, under mutex_
  std::int64_t queued_ = 0, taken_ = 0;            ///< records queued, and taken by the writer
  bool flush_ = false;
  bool closing_ = false;
  std::thread writer_;
};

}  // namespace llmbench::report
