// The one clock every measurement uses: the monotonic steady clock, as integer nanoseconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace llmbench {

using SteadyClock = std::chrono::steady_clock;
using Nanoseconds = std::chrono::nanoseconds;

/// Monotonic time in nanoseconds since an arbitrary epoch (CLOCK_MONOTONIC on Linux, so stamps
/// taken in two processes on one machine are comparable: the simulator's ground truth relies on
/// this). Never the wall clock: it jumps.
inline std::int64_t NowNs() noexcept {
  return std::chrono::duration_cast<Nanoseconds>(SteadyClock::now().time_since_epoch()).count();
}

}  // namespace llmbench
