#include "sim/truth_log.hpp"

#include <nlohmann/json.hpp>

namespace llmbench::sim {

std::string ToJson(const TruthRecord& r) {
  return nlohmann::json{{"request_id", r.request_id},
                        {"fault", r.fault},
                        {"status", r.status},
                        {"input_tokens", r.input_tokens},
                        {"output_tokens", r.output_tokens},
                        {"arrived_ns", r.arrived_ns},
                        {"admitted_ns", r.admitted_ns},
                        {"queue_ns", r.queue_ns},
                        {"prefill_ns", r.prefill_ns},
                        {"cached_tokens", r.cached_tokens},
                        {"chunk_ns", r.chunk_ns},
                        {"chunk_tokens", r.chunk_tokens},
                        {"done_ns", r.done_ns}}
      .dump();
}

TruthLog::TruthLog(const std::string& path, bool keep_in_memory) : keep_(keep_in_memory) {
  if (!path.empty()) out_.open(path, std::ios::trunc);
}

void TruthLog::Add(TruthRecord record) {
  std::lock_guard lock(mutex_);
  if (out_.is_open()) out_ << ToJson(record) << '\n' << std::flush;
  if (keep_) records_.push_back(std::move(record));
}

std::vector<TruthRecord> TruthLog::Records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

}  // namespace llmbench::sim
