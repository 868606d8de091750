// The built-in simulator: an HTTP/1.1 server on loopback that speaks OpenAI chat/completions
// streaming (POST /v1/chat/completions, /v1/completions) and TGI (POST /generate_stream), with
// the continuous-batching timing model of batching_model.hpp, fault injection, and a truth log
// of what it really did. One io_context thread serves every connection (thousands of streams).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "scenario/scenario.hpp"
#include "sim/truth_log.hpp"

namespace llmbench::sim {

struct SimServerOptions {
  scenario::SimSettings settings;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;      ///< 0 = an ephemeral port, see SimServer::port()
  std::string truth_log_path;  ///< JSON lines, one per request; "" = none
  bool keep_truth_in_memory = false;
};

class SimServer {
 public:
  /// Binds and listens; throws std::runtime_error when the address cannot be bound.
  explicit SimServer(SimServerOptions options);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  std::uint16_t port() const;
  /// Serves on a background thread until Stop() or destruction.
  void Start();
  /// Serves on the calling thread until Stop() (from another thread or a signal handler).
  void Run();
  void Stop();
  const TruthLog& truth() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llmbench::sim
