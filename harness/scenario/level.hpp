// A load level: the identity of one step of a case's load, closed loop (N requests kept in
// flight), open loop (requests arriving at a rate, whatever the engine does with them), a trace
// replayed on its own schedule, or the case's search for its highest rate under the SLO (whose
// probes are open-loop runs).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace llmbench::scenario {

struct Level {
  /// In run order: closed-loop levels, then open-loop ones, the trace, and the search last.
  enum class Kind : std::uint8_t { Closed, Open, Trace, Search };
  Kind kind = Kind::Closed;
  std::int64_t concurrency = 0;  ///< closed loop: requests kept in flight; 0 otherwise
  double rate = 0;               ///< open loop: requests/s arriving; a trace: its speed-up; 0 otherwise

  /// Sent on a schedule (open loop or trace).
  bool open() const { return kind == Kind::Open || kind == Kind::Trace; }
  bool trace() const { return kind == Kind::Trace; }
  bool search() const { return kind == Kind::Search; }
  auto operator<=>(const Level&) const = default;

  static Level Closed(std::int64_t concurrency) { return {Kind::Closed, concurrency, 0}; }
  static Level Open(double rate) { return {Kind::Open, 0, rate}; }
  static Level Trace(double time_scale) { return {Kind::Trace, 0, time_scale}; }
  static Level Search() { return {Kind::Search, 0, 0}; }
};

/// "concurrency 8" | "rate 10 req/s" | "the trace at 2x speed" | "the SLO search": for sentences.
std::string Describe(const Level& l);
/// "c=8" | "r=10" | "trace x2" | "search": for tables, request ids and axes.
std::string ShortLabel(const Level& l);
/// "c8" | "r10" | "t2" | "s": inside request ids.
std::string IdTag(const Level& l);

}  // namespace llmbench::scenario
