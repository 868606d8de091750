// A load level: the identity of one step of a case's load, closed loop (N requests kept in
// flight), open loop (requests arriving at a rate, whatever the engine does with them), a trace
// replayed on its own schedule, a point of a sweep (GuideLLM's method: one request at a time,
// then the most the engine takes, then rates between them), or the case's search for its
// highest rate under the SLO (whose probes are open-loop runs).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <tuple>

namespace llmbench::scenario {

struct Level {
  /// In run order: closed-loop levels, then open-loop ones, the trace, the sweep, the search.
  enum class Kind : std::uint8_t { Closed, Open, Trace, Sweep, Search };
  Kind kind = Kind::Closed;
  std::int64_t concurrency = 0;  ///< closed loop: requests kept in flight; 0 otherwise
  double rate = 0;               ///< open loop: requests/s arriving; a trace: its speed-up; 0 otherwise
  /// A sweep's point: 0 = synchronous (concurrency 1), points + 1 = throughput (closed loop at
  /// the sweep's concurrency), 1 … points = open loop at a rate evenly between the two, known
  /// only once they have run (rate 0 until then).
  std::int32_t point = 0;

  /// Sent on a schedule (open loop, trace, a sweep's rate point).
  bool open() const { return kind == Kind::Open || kind == Kind::Trace || (kind == Kind::Sweep && concurrency == 0); }
  bool trace() const { return kind == Kind::Trace; }
  bool sweep() const { return kind == Kind::Sweep; }
  bool search() const { return kind == Kind::Search; }

  /// Identity: a sweep's point is its index, whatever rate it ran at (each run measures its own
  /// synchronous and throughput rates, so the same point of two runs compares as one level).
  auto Key() const {
    return sweep() ? std::tuple(kind, std::int64_t{0}, 0.0, point) : std::tuple(kind, concurrency, rate, point);
  }
  friend bool operator==(const Level& a, const Level& b) { return a.Key() == b.Key(); }
  friend auto operator<=>(const Level& a, const Level& b) { return a.Key() <=> b.Key(); }

  static Level Closed(std::int64_t concurrency) { return {Kind::Closed, concurrency, 0, 0}; }
  static Level Open(double rate) { return {Kind::Open, 0, rate, 0}; }
  static Level Trace(double time_scale) { return {Kind::Trace, 0, time_scale, 0}; }
  static Level Search() { return {Kind::Search, 0, 0, 0}; }
  /// A sweep's point as planned: the ends are closed loops, the points between open loops
  /// whose rate the executor sets (WithRate) once both ends have run.
  static Level SweepPoint(std::int32_t point, std::int64_t concurrency) { return {Kind::Sweep, concurrency, 0, point}; }
  Level WithRate(double r) const {
    Level l = *this;
    l.rate = r;
    return l;
  }
};

/// "concurrency 8" | "rate 10 req/s" | "the trace at 2x speed" | "sweep point 2 (rate 7.5 req/s)" |
/// "the SLO search": for sentences.
std::string Describe(const Level& l);
/// "c=8" | "r=10" | "trace x2" | "sweep 2" | "search": for tables, request ids and axes.
std::string ShortLabel(const Level& l);
/// "c8" | "r10" | "t2" | "w2" | "s": inside request ids (a sweep's by point, whatever its rate).
std::string IdTag(const Level& l);

/// What `llmbench run --level` selects a level by, and the suffix of a level-split CTest test:
/// IdTag, except that a sweep's points go together ("sweep": the points between need both
/// ends) and the search is "search".
std::string SelectionTag(const Level& l);

}  // namespace llmbench::scenario
