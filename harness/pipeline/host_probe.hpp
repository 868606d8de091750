// The disturbed-runner detector: what this host did to the harness while a run was measured.
// A shared CI runner's other jobs show up first as *waiting for a CPU*: Linux accounts, per
// thread, the time a thread was runnable but not running (schedstat run delay). Summed over the
// harness's threads (load loop, embedded simulator, writer) and divided by the run's wall time,
// it is ~0 on an idle machine and grows with contention, whoever causes it. Steal (the
// hypervisor running other guests) comes from /proc/stat; so does the CPU other processes used.
#pragma once

#include <cstdint>
#include <map>

#include "gate/case_data.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::pipeline {

/// A snapshot of the counters; Between() turns two snapshots into a HostLoad.
struct HostSample {
  std::int64_t wall_ns = 0;
  /// Per thread id: (ns runnable but waiting for a CPU, timeslices run); empty without schedstat.
  /// Kept per thread so that a thread that exits between two samples does not subtract its
  /// whole history: only threads present in both samples count.
  std::map<long, std::pair<std::int64_t, std::int64_t>> threads;
  std::int64_t own_cpu_ns = 0;   ///< this process's user + system time
  std::int64_t busy_ticks = -1;  ///< all CPUs, processes' user + system (USER_HZ ticks); -1 when /proc/stat is absent
  std::int64_t total_ticks = 0;
  std::int64_t steal_ticks = 0;
  std::int64_t engine_cpu_ns = -1;  ///< the engine's process on this host (FindLocalEngine); -1 = none
  std::int64_t engine_rss_bytes = -1;
};

/// `engine_pid`: the engine's process when it runs on this host, else -1.
HostSample SampleHost(int engine_pid = -1);

/// The load between two samples, flagged busy against the scenario's [gate] limits. With the
/// engine on this host its CPU is its own (engine_cores) and not a neighbour's; and since the
/// engine's threads compete with the harness's in the baseline as in the run, the harness's
/// wait for a CPU says nothing about neighbours then: such a run is busy when the other
/// processes used more than max_neighbour_cores (or the hypervisor stole too much).
gate::HostLoad Between(const HostSample& before, const HostSample& after, const scenario::GateSettings& limits);

}  // namespace llmbench::pipeline
