#include "report/results_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "base/atomic_file.hpp"
#include "gate/json_codec.hpp"
#include "metrics/catalog.hpp"
#include "scenario/to_toml.hpp"

namespace llmbench::report {
namespace {

nlohmann::json Definitions() {
  nlohmann::json d = nlohmann::json::object();
  for (const auto& m : metrics::Catalog()) {
    d[std::string(m.id)] = {{"unit", m.unit},
                            {"name", m.name},
                            {"definition", m.definition},
                            {"scope", m.scope == metrics::Scope::PerRequest ? "request" : "level"},
                            {"better", m.direction == metrics::Direction::LowerIsBetter    ? "lower"
                                       : m.direction == metrics::Direction::HigherIsBetter ? "higher"
                                                                                           : "neutral"}};
  }
  d["_clock"] =
      "all *_ns stamps are CLOCK_MONOTONIC nanoseconds; start = just before the request is handed "
      "to the socket, chunk = arrival of an event carrying generated text, done = end of stream";
  return d;
}

}  // namespace

ResultsFile::ResultsFile(std::string dir, const Provenance& p, const scenario::Scenario& scenario)
    : dir_(std::move(dir)), path_(dir_ + "/results.json") {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create output directory " + dir_ + ": " + ec.message());
  records_fd_ = ::open((dir_ + "/records.jsonl").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (records_fd_ < 0)
    throw std::runtime_error(fmt::format("cannot write {}/records.jsonl: {}", dir_, std::strerror(errno)));
  header_["schema"] = gate::kResultsSchema;
  header_["provenance"] = {{"harness_version", p.harness_version},
                           {"git_commit", p.git_commit},
                           {"git_dirty", p.git_dirty},
                           {"host", p.host},
                           {"started_utc", p.started_utc},
                           {"command", p.command}};
  header_["scenario"] = {{"name", scenario.name},
                         {"file", scenario.file},
                         {"settings", nlohmann::json::parse(scenario::ToJson(scenario))}};
  header_["definitions"] = Definitions();
  Write();
  writer_ = std::thread([this] { WriterLoop(); });
}

ResultsFile::~ResultsFile() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  writer_.join();
  ::close(records_fd_);
}

void ResultsFile::BeginCase(const scenario::Case& c, const std::string& url, const std::string& protocol,
                            const nlohmann::json& fingerprint, const nlohmann::json& engine_identity) {
  cases_.push_back({{{"id", c.id},
                     {"engine", c.engine.name},
                     {"class", c.prompt_class.name},
                     {"model", c.engine.model},
                     {"url", url},
                     {"protocol", protocol},
                     {"status", "running"},
                     {"message", ""},
                     {"labels", c.labels},
                     {"fingerprint", fingerprint},
                     {"engine_identity", engine_identity},
                     // The case's levels, and the ones this run measured (--level): `llmbench
                     // report` tells from them whether a shard of a split case is missing.
                     {"level_tags", c.LevelTags()},
                     {"selected_levels", c.only_levels}},
                    {}});
  Write();
}

void ResultsFile::AddRun(const gate::RunData& run, const metrics::Summary& summary,
                         const std::string& engine_metrics_problem, const nlohmann::json& client) {
  nlohmann::json entry = gate::ToJson(run);
  entry["summary"] = gate::ToJson(summary);
  if (!engine_metrics_problem.empty()) entry["engine_metrics_problem"] = engine_metrics_problem;
  if (!client.is_null()) entry["client"] = client;
  cases_.back().runs.push_back(std::move(entry));
  Write();
}

void ResultsFile::SetHeaderField(const std::string& key, nlohmann::json value) {
  header_[key] = std::move(value);
  Write();
}

void ResultsFile::SetAttempt(int attempt, const std::string& status, const std::string& message,
                             const nlohmann::json& thresholds) {
  auto& attempts = cases_.back().fields["attempts"];
  if (!attempts.is_array()) attempts = nlohmann::json::array();
  attempts.push_back({{"attempt", attempt}, {"status", status}, {"message", message}, {"thresholds", thresholds}});
  Write();
}

void ResultsFile::SetLevels(const std::vector<metrics::Summary>& levels) {
  auto& out = cases_.back().levels;
  out = nlohmann::json::array();
  for (const auto& s : levels) out.push_back({{"summary", gate::ToJson(s)}});
  Write();
}

void ResultsFile::SetCaseField(const std::string& key, nlohmann::json value) {
  cases_.back().fields[key] = std::move(value);
}

void ResultsFile::AppendToCaseField(const std::string& key, nlohmann::json item) {
  auto& field = cases_.back().fields[key];
  if (!field.is_array()) field = nlohmann::json::array();
  field.push_back(std::move(item));
}

void ResultsFile::EndCase(const std::string& status, const std::string& message) {
  cases_.back().fields["status"] = status;
  cases_.back().fields["message"] = message;
  Write();
}

void ResultsFile::Write() {
  Flush();
  // Records the disk did not take: stop here, with what is on disk still whole.
  if (std::string problem = RecordsProblem(); !problem.empty()) throw WriteError(problem);
  WriteFileAtomically(path_, [&](std::ostream& out) {
    // The header object without its closing brace, then the cases written piece by piece.
    const std::string header = gate::DumpJson(header_, 1);
    out << header.substr(0, header.rfind('}')) << ",\n \"cases\": [";
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      const std::string fields = gate::DumpJson(cases_[i].fields);
      out << (i ? ",\n" : "\n") << fields.substr(0, fields.rfind('}'))
          << ",\"levels\":" << gate::DumpJson(cases_[i].levels) << ",\n\"runs\":[";
      for (std::size_t l = 0; l < cases_[i].runs.size(); ++l) {
        out << (l ? ",\n" : "\n") << gate::DumpJson(cases_[i].runs[l]);
      }
      out << "]}";
    }
    out << "]\n}\n";
  });
}

namespace {
// The writer writes this many records per wake-up (or what kWriterMaxDelay gathered, or all
// when results.json is rewritten, or closing): one wake-up per record costs both threads a
// context switch.
constexpr std::size_t kWriterBatch = 64;
// At most this long between a record's queueing and its line on disk while a level runs.
constexpr auto kWriterMaxDelay = std::chrono::milliseconds(50);
// Chunk buffers kept for reuse: enough for every request in flight at a high level.
constexpr std::size_t kMaxSpares = 4096;
}  // namespace

void ResultsFile::StreamRecord(const std::string& case_id, int attempt, int repetition, load::Record& r) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({case_id, attempt, repetition, std::move(r)});
    ++queued_;
    // The first of a batch starts the writer's kWriterMaxDelay clock; a full batch ends it.
    wake = queue_.size() == 1 || queue_.size() == kWriterBatch;
    r.chunk_ns.clear();
    if (!spares_.empty()) {
      r.chunk_ns = std::move(spares_.back());
      spares_.pop_back();
    }
  }
  if (wake) wake_.notify_one();
}

void ResultsFile::Flush() {
  std::unique_lock lock(mutex_);
  if (taken_ == queued_) return;
  flush_ = true;
  wake_.notify_one();
  drained_.wait(lock, [&] { return taken_ == queued_; });
}

std::string ResultsFile::RecordsProblem() {
  std::lock_guard lock(mutex_);
  return records_problem_;
}

void ResultsFile::WriterLoop() {
  std::string text;  // one line, its buffer reused
  std::vector<Queued> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return closing_ || flush_ || !queue_.empty(); });
    // A record is queued: gather a batch for at most kWriterMaxDelay.
    wake_.wait_for(lock, kWriterMaxDelay, [&] { return closing_ || flush_ || queue_.size() >= kWriterBatch; });
    flush_ = false;
    batch.swap(queue_);
    bool failed = !records_problem_.empty();  // only this thread sets it
    lock.unlock();
    for (Queued& q : batch) {
      if (failed) break;
      text.clear();
      gate::AppendRecordLine(q.record, q.case_id, q.attempt, q.repetition, text);
      // One write per line, finished or undone: a reader never meets half a record.
      std::size_t done = 0;
      int error = 0;
      while (done < text.size()) {
        const ssize_t n = ::write(records_fd_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          error = n < 0 ? errno : EIO;
          break;
        }
        done += static_cast<std::size_t>(n);
      }
      if (error == 0) {
        records_bytes_ += static_cast<std::int64_t>(text.size());
        ++records_written_;
      } else {
        const bool cut = ::ftruncate(records_fd_, records_bytes_) == 0;
        (void)::lseek(records_fd_, records_bytes_, SEEK_SET);
        failed = true;
        lock.lock();
        records_problem_ = fmt::format("cannot write {}/records.jsonl: {}; it keeps the {} records written before{}",
                                       dir_, std::strerror(error), records_written_,
                                       cut ? "" : " (and part of the next: it could not be cut off)");
        lock.unlock();
      }
    }
    lock.lock();
    for (Queued& q : batch) {
      if (spares_.size() >= kMaxSpares || q.record.chunk_ns.capacity() == 0) continue;
      q.record.chunk_ns.clear();
      spares_.push_back(std::move(q.record.chunk_ns));
    }
    taken_ += static_cast<std::int64_t>(batch.size());
    batch.clear();
    drained_.notify_all();
    if (closing_ && queue_.empty()) return;
  }
}

}  // namespace llmbench::report
