// The send schedule of an open-loop level: every request's intended send time, computed before
// the clock starts from the rate, the arrival process, an optional linear ramp and a seed. Pure
// functions: the same spec gives the same schedule on every machine (Boost.Random's generators
// and distributions, not the standard library's implementation-defined ones).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.hpp"

namespace llmbench::load {

struct ScheduleSpec {
  double rate = 1;                  ///< requests/s once ramped up
  std::string arrival = "poisson";  ///< "constant" | "poisson" | "gamma"
  double burstiness = 1;            ///< gamma shape k (1 = Poisson; < 1 burstier; > 1 more regular)
  Nanoseconds ramp_up{0};           ///< the rate rises linearly from 0 to `rate` over this long
  std::int64_t count = 0;           ///< this many arrivals, or
  Nanoseconds duration{0};          ///< (count = 0) every arrival before this
  std::uint64_t seed = 1;
};

/// Intended send times, ns after the level's start, non-decreasing; the first is at 0 (at the
/// end of a ramp's first gap with a ramp). Inter-arrival gaps: 1/rate (constant), exponential
/// with mean 1/rate (poisson), gamma with shape k and mean 1/rate (gamma). A ramp warps time so
/// that the expected arrivals by t are ∫ rate·min(1, s/ramp) ds.
std::vector<std::int64_t> MakeSchedule(const ScheduleSpec& spec);

/// Arrivals of a trace: its timestamps (seconds, any origin, unsorted allowed) divided by
/// `time_scale` (2 = twice as fast), as ns after the first.
std::vector<std::int64_t> TraceSchedule(const std::vector<double>& timestamps_s, double time_scale);

}  // namespace llmbench::load
