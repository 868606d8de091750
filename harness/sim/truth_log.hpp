// What the simulator really did for each request: the ground truth tests compare against.
#pragma once

#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

namespace llmbench::sim {

/// Steady-clock stamps (CLOCK_MONOTONIC ns, comparable with the harness's in the same machine).
struct TruthRecord {
  std::string request_id;  ///< the client's X-Request-Id header, else "sim-<n>"
  std::string fault;       ///< sim::ToString(Fault)
  int status = 200;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t arrived_ns = 0;         ///< request fully read
  std::int64_t admitted_ns = 0;        ///< left the queue (a batch slot was free)
  std::int64_t queue_ns = 0;           ///< admitted − arrived
  std::int64_t prefill_ns = 0;         ///< modelled prefill time
  std::int64_t cached_tokens = 0;      ///< prompt tokens the prefix cache held (prefix_cache)
  std::vector<std::int64_t> chunk_ns;  ///< when each text chunk was handed to the socket
  std::vector<std::int32_t> chunk_tokens;
  std::int64_t done_ns = 0;  ///< last byte handed to the socket
};

/// Appends records as JSON lines (one object per request) and keeps them for in-process readers.
/// Thread-safe.
class TruthLog {
 public:
  explicit TruthLog(const std::string& path = {}, bool keep_in_memory = false);
  void Add(TruthRecord record);
  std::vector<TruthRecord> Records() const;

 private:
  mutable std::mutex mutex_;
  std::ofstream out_;
  bool keep_;
  std::vector<TruthRecord> records_;
};

/// One record as a JSON object (no newline).
std::string ToJson(const TruthRecord& r);

}  // namespace llmbench::sim
