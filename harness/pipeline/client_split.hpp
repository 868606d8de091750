// Several client hosts against one engine (`llmbench run --client K/N --start-at T --slot D`):
// every host runs the same cases in the same order and sends its part of every level (units u
// with u mod N = K − 1, and its share of the concurrency). The hosts agree on time through the
// wall clock: run j of the invocation (its warm-up) starts at T + j × D, its measured phase at
// T + j × D + the warm-up slot, on every host; each run records how its monotonic stamps map to
// the wall clock, so that `llmbench merge` (pipeline/merge_clients.hpp) can pool the hosts'
// records on one time line.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "load/load_generator.hpp"
#include "scenario/expand.hpp"

namespace llmbench::pipeline {

struct ClientSplit {
  std::int32_t part = 0;            ///< this host, 0-based (K − 1)
  std::int32_t of = 1;              ///< hosts (N)
  std::int64_t start_utc_ns = 0;    ///< T: CLOCK_REALTIME ns
  std::int64_t slot_ns = 0;         ///< D: each run's time slot
  std::int64_t warmup_slot_ns = 0;  ///< from a slot's start to its measured phase
  std::int64_t next_slot = 0;       ///< the slot of the invocation's next run

  bool active() const { return of > 1; }
  /// "client 2/3"
  std::string Name() const;
};

/// Parses "K/N" (1 ≤ K ≤ N, N ≥ 2); nullopt-like: throws std::invalid_argument with why.
void ParseClientPart(const std::string& text, ClientSplit& split);
/// Parses "2026-12-07T06:30:00Z" (fractional seconds allowed) or "@<unix seconds>" to
/// CLOCK_REALTIME ns; throws std::invalid_argument.
std::int64_t ParseUtcTime(const std::string& text);
/// "2026-12-07T06:30:00.250Z"
std::string FormatUtcTime(std::int64_t utc_ns);

/// Why the case cannot be shared by the hosts ("" = it can): a sweep or an SLO search (each
/// sets its next rate from what it measured: run it from one host, `--level`), a level whose
/// concurrency or max_concurrency is below N, fewer measured units than hosts, an embedded
/// simulator (each host would have its own engine).
std::string CannotSplit(const scenario::Case& c, const ClientSplit& split);

/// The runs of the case's one attempt (what its slots count).
std::int64_t SlotsOf(const scenario::Case& c);

/// The level's units (of `count`) that are this host's, ascending. Open loop: u mod N = K − 1.
/// Closed loop: the units of its slots, u mod concurrency mod N = K − 1, so that each host's
/// slots get as many units each as every other host's (a level at concurrency 8 on 3 hosts:
/// 3 + 3 + 2 slots, 3/8 + 3/8 + 2/8 of the requests, all busy until the end together).
std::vector<std::int64_t> OwnUnits(const scenario::Level& level, std::int64_t count, const ClientSplit& split);

/// The items of `units` from a level's `per_unit` × units items (prompts: per_unit = turns; a
/// schedule: 1), in order.
template <typename T>
std::vector<T> PickUnits(const std::vector<T>& all, std::size_t per_unit, const std::vector<std::int64_t>& units) {
  std::vector<T> out;
  out.reserve(units.size() * per_unit);
  for (const std::int64_t u : units) {
    const auto from = all.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(u) * per_unit);
    out.insert(out.end(), from, from + static_cast<std::ptrdiff_t>(per_unit));
  }
  return out;
}

/// Puts PickUnits's result (changed) back into `all`.
template <typename T>
void ScatterUnits(const std::vector<T>& own, std::size_t per_unit, const std::vector<std::int64_t>& units,
                  std::vector<T>& all) {
  for (std::size_t j = 0; j < units.size(); ++j) {
    std::copy(own.begin() + static_cast<std::ptrdiff_t>(j * per_unit),
              own.begin() + static_cast<std::ptrdiff_t>((j + 1) * per_unit),
              all.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(units[j]) * per_unit));
  }
}

/// This host's share of `n` (slots): n / N, one more for the first n mod N hosts.
std::int32_t ShareOf(std::int32_t n, const ClientSplit& split);

/// CLOCK_REALTIME now, ns.
std::int64_t UtcNowNs();
/// CLOCK_REALTIME − CLOCK_MONOTONIC now (the tightest of a few samples), ns.
std::int64_t WallMinusMonotonicNs();

/// Waits for the run's slot and returns the LevelShare that anchors its measured phase. Prints
/// a line when the slot had begun already (the previous run overran: lengthen --slot).
load::LevelShare EnterSlot(ClientSplit& split, const scenario::Level& level, const scenario::Load& load,
                           std::int64_t& slot, std::int64_t& wall_minus_mono);

}  // namespace llmbench::pipeline
