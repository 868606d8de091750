// A load level: the identity of one step of a case's load, closed loop (N requests kept in
// flight) or open loop (requests arriving at a rate, whatever the engine does with them), or the
// case's search for its highest rate under the SLO (whose probes are open-loop runs).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace llmbench::scenario {

struct Level {
  std::int64_t concurrency = 0;  ///< closed loop: requests kept in flight; 0 for an open-loop level
  double rate = 0;               ///< open loop: requests/s arriving (a trace: its speed-up); 0 for a closed-loop level
  bool trace = false;            ///< open loop on a trace's own schedule ([classes.<name>] trace)

  bool open() const { return rate > 0; }
  bool search() const { return concurrency == 0 && rate == 0; }
  auto operator<=>(const Level&) const = default;

  static Level Closed(std::int64_t concurrency) { return {concurrency, 0}; }
  static Level Open(double rate) { return {0, rate}; }
  static Level Search() { return {0, 0}; }
  static Level Trace(double time_scale) { return {0, time_scale, true}; }
};

/// "concurrency 8" | "rate 10 req/s": for sentences.
std::string Describe(const Level& l);
/// "c=8" | "r=10": for tables, request ids and axes.
std::string ShortLabel(const Level& l);
/// "c8" | "r10": inside request ids.
std::string IdTag(const Level& l);

}  // namespace llmbench::scenario
