// Where and when a result was measured: harness version, git commit, host, UTC time.
#pragma once

#include <string>

namespace llmbench::report {

struct Provenance {
  std::string harness_version;
  std::string git_commit;  ///< of the scenario file's repository; "" outside git
  bool git_dirty = false;
  std::string host;
  std::string started_utc;  ///< ISO 8601, e.g. 2026-11-22T09:30:00Z
  std::string command;      ///< the command line that produced the results
};

/// This machine's host name.
std::string HostName();

/// Now, in UTC, ISO 8601 to the second ("2026-11-22T09:30:00Z").
std::string UtcNow();

/// Reads the clock, the host name and `git -C dir rev-parse HEAD` (no git → empty commit).
Provenance CollectProvenance(const std::string& dir, const std::string& command);

}  // namespace llmbench::report
