// The simulator in a forked child process pinned to its own core, for benchmarks: the harness
// and the simulator never share a CPU or an address space (so the harness's peak memory is
// its own).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "scenario/scenario.hpp"

namespace llmbench::bench {

class SimChild {
 public:
  /// Forks; the child pins itself to `cpu`, serves `settings` on an ephemeral loopback port and
  /// writes its truth log to `truth_path` ("" = none). Returns once the port is known.
  SimChild(const scenario::SimSettings& settings, const std::string& truth_path, int cpu);
  ~SimChild();
  std::uint16_t port() const { return port_; }
  /// Stops the child and waits for it (the truth log is complete afterwards).
  void Stop();

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

/// Pins the calling thread to `cpu`; false when the machine has no such CPU.
bool PinToCpu(int cpu);

}  // namespace llmbench::bench
