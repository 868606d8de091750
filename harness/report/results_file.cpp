#include "report/results_file.hpp"

#include <filesystem>
#include <stdexcept>

#include "metrics/catalog.hpp"
#include "scenario/to_toml.hpp"

namespace llmbench::report {
namespace {

nlohmann::json Nullable(std::int64_t v) { return v < 0 ? nlohmann::json(nullptr) : nlohmann::json(v); }

nlohmann::json Definitions() {
  nlohmann::json d = nlohmann::json::object();
  for (const auto& m : metrics::Catalog()) {
    d[std::string(m.id)] = {{"unit", m.unit}, {"name", m.name}, {"definition", m.definition},
                            {"scope", m.scope == metrics::Scope::PerRequest ? "request" : "level"},
                            {"better", m.direction == metrics::Direction::LowerIsBetter    ? "lower"
                                       : m.direction == metrics::Direction::HigherIsBetter ? "higher"
                                                                                          : "neutral"}};
  }
  d["_clock"] = "all *_ns stamps are CLOCK_MONOTONIC nanoseconds; start = just before the request is handed "
                "to the socket, chunk = arrival of an event carrying generated text, done = end of stream";
  return d;
}

}  // namespace

nlohmann::json ToJson(const load::Record& r) {
  return {{"index", r.index},
          {"warmup", r.warmup},
          {"request_id", r.request_id},
          {"error", load::ToString(r.error)},
          {"http_status", r.http_status},
          {"error_message", r.error_message},
          {"retries_429", r.retries_429},
          {"scheduled_ns", r.scheduled_ns},
          {"start_ns", r.start_ns},
          {"first_byte_ns", r.first_byte_ns},
          {"done_ns", r.done_ns},
          {"chunk_ns", r.chunk_ns},
          {"target_input_tokens", r.target_input_tokens},
          {"max_tokens", r.max_tokens},
          {"prompt_tokens", Nullable(r.prompt_tokens)},
          {"completion_tokens", Nullable(r.completion_tokens)},
          {"token_events", r.token_events},
          {"text_bytes", r.text_bytes},
          {"connect_ns", Nullable(r.connect_ns)},
          {"server", {{"queue_ns", Nullable(r.server.queue_ns)}, {"prompt_ns", Nullable(r.server.prompt_ns)},
                      {"completion_ns", Nullable(r.server.completion_ns)}, {"total_ns", Nullable(r.server.total_ns)}}},
          {"finish_reason", r.finish_reason}};
}

nlohmann::json ToJson(const metrics::Summary& s) {
  nlohmann::json distributions = nlohmann::json::object();
  for (const auto& [id, st] : s.distributions) {
    distributions[id] = {{"count", st.count}, {"mean", st.mean}, {"stddev", st.stddev}, {"min", st.min},
                         {"max", st.max},     {"p50", st.p50},   {"p90", st.p90},       {"p95", st.p95},
                         {"p99", st.p99}};
  }
  return {{"concurrency", s.concurrency},
          {"requests", s.requests},
          {"succeeded", s.succeeded},
          {"warmup", s.warmup},
          {"errors", s.errors},
          {"cut_short", s.cut_short},
          {"output_tokens_counted", s.output_tokens_counted},
          {"input_tokens_counted", s.input_tokens_counted},
          {"level", s.level},
          {"distributions", distributions}};
}

ResultsFile::ResultsFile(std::string dir, const Provenance& p, const scenario::Scenario& scenario)
    : dir_(std::move(dir)), path_(dir_ + "/results.json") {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create output directory " + dir_ + ": " + ec.message());
  records_.open(dir_ + "/records.jsonl", std::ios::trunc);
  if (!records_) throw std::runtime_error("cannot write " + dir_ + "/records.jsonl");
  header_["schema"] = kResultsSchema;
  header_["provenance"] = {{"harness_version", p.harness_version}, {"git_commit", p.git_commit},
                           {"git_dirty", p.git_dirty}, {"host", p.host}, {"started_utc", p.started_utc},
                           {"command", p.command}};
  header_["scenario"] = {{"name", scenario.name}, {"file", scenario.file},
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
}

void ResultsFile::BeginCase(const scenario::Case& c, const std::string& url, const std::string& protocol) {
  cases_.push_back({{{"id", c.id},
                           {"engine", c.engine.name},
                           {"class", c.prompt_class.name},
                           {"model", c.engine.model},
                           {"url", url},
                           {"protocol", protocol},
                           {"status", "running"},
                           {"message", ""},
                           {"labels", c.labels}},
                    {}});
  Write();
}

void ResultsFile::AddLevel(const metrics::Summary& summary, const load::LevelOutcome& outcome) {
  std::string records = "[";
  for (const auto& r : outcome.records) {
    if (records.size() > 1) records += ",\n";
    records += ToJson(r).dump();
  }
  records += "]";
  cases_.back().levels.emplace_back(ToJson(summary), std::move(records));
  Write();
}

void ResultsFile::EndCase(const std::string& status, const std::string& message) {
  cases_.back().fields["status"] = status;
  cases_.back().fields["message"] = message;
  Write();
}

// Write to a temporary file and rename: readers never see a half-written results.json.
void ResultsFile::Write() {
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    // The header object without its closing brace, then the cases written piece by piece.
    const std::string header = header_.dump(1);
    out << header.substr(0, header.rfind('}')) << ",\n \"cases\": [";
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      const std::string fields = cases_[i].fields.dump();
      out << (i ? ",\n" : "\n") << fields.substr(0, fields.rfind('}')) << ",\"levels\":[";
      for (std::size_t l = 0; l < cases_[i].levels.size(); ++l) {
        const auto& [summary, records] = cases_[i].levels[l];
        out << (l ? ",\n" : "\n") << "{\"summary\":" << summary.dump() << ",\n\"records\":" << records << "}";
      }
      out << "]}";
    }
    out << "]\n}\n";
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path_);
}

void ResultsFile::StreamRecord(const std::string& case_id, const load::Record& r) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(case_id, r);
  }
  wake_.notify_one();
}

void ResultsFile::WriterLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    while (!queue_.empty()) {
      auto [case_id, record] = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      nlohmann::json line = ToJson(record);
      line["case"] = case_id;
      line["concurrency"] = record.concurrency;
      records_ << line.dump() << '\n';
      records_.flush();
      lock.lock();
    }
    if (closing_) return;
  }
}

}  // namespace llmbench::report
