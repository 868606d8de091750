#include "pipeline/host_probe.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/clock.hpp"
#include "pipeline/engine_process.hpp"

namespace llmbench::pipeline {
namespace {

// /proc/self/task/<tid>/schedstat: ns on a CPU, ns runnable but waiting for one, timeslices.
void ReadSchedstat(HostSample& s) {
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    std::int64_t on_cpu = 0, waiting = 0, count = 0;
    if (in >> on_cpu >> waiting >> count) {
      try {
        s.threads[std::stol(task.path().filename().string())] = {waiting, count};
      } catch (const std::exception&) {
      }
    }
  }
}

}  // namespace

HostSample SampleHost(int engine_pid) {
  HostSample s;
  if (engine_pid > 0) {
    const ProcessSample engine = SampleProcess(engine_pid);
    s.engine_cpu_ns = engine.cpu_ns;
    s.engine_rss_bytes = engine.rss_bytes;
  }
  s.wall_ns = NowNs();
  ReadSchedstat(s);
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    const auto ns = [](const timeval& t) {
      return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_usec * 1000;
    };
    s.own_cpu_ns = ns(usage.ru_utime) + ns(usage.ru_stime);
  }
  std::ifstream stat("/proc/stat");
  std::string cpu;
  std::int64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal && cpu == "cpu") {
    // Processes' time only: interrupt time (loopback streaming's softirqs) is charged to no
    // process, so it would count as a neighbour's.
    s.busy_ticks = user + nice + system;
    s.total_ticks = s.busy_ticks + irq + softirq + steal + idle + iowait;
    s.steal_ticks = steal;
  }
  return s;
}

gate::HostLoad Between(const HostSample& a, const HostSample& b, const scenario::GateSettings& limits) {
  gate::HostLoad h;
  const double wall = static_cast<double>(b.wall_ns - a.wall_ns);
  if (wall <= 0) return h;
  std::int64_t delay = 0, slices = 0;
  bool any = false;
  for (const auto& [tid, after] : b.threads) {
    const auto it = a.threads.find(tid);
    if (it == a.threads.end()) continue;  // started during the run: no baseline for it
    delay += std::max<std::int64_t>(0, after.first - it->second.first);
    slices += std::max<std::int64_t>(0, after.second - it->second.second);
    any = true;
  }
  if (any) {
    h.cpu_wait = static_cast<double>(delay) / wall;
    h.wait_per_slice_us = slices > 0 ? static_cast<double>(delay) / static_cast<double>(slices) / 1e3 : 0.0;
  }
  if (a.busy_ticks >= 0 && b.busy_ticks >= 0 && b.total_ticks > a.total_ticks) {
    const double tick_ns = 1e9 / static_cast<double>(sysconf(_SC_CLK_TCK));
    h.steal = static_cast<double>(b.steal_ticks - a.steal_ticks) / static_cast<double>(b.total_ticks - a.total_ticks);
    const double busy_ns = static_cast<double>(b.busy_ticks - a.busy_ticks) * tick_ns;
    double others_ns = busy_ns - static_cast<double>(b.own_cpu_ns - a.own_cpu_ns);
    if (a.engine_cpu_ns >= 0 && b.engine_cpu_ns >= a.engine_cpu_ns) {
      const double engine_ns = static_cast<double>(b.engine_cpu_ns - a.engine_cpu_ns);
      h.engine_cores = engine_ns / wall;
      others_ns -= engine_ns;
    }
    h.others_cores = std::max(0.0, others_ns / wall);
  }
  if (b.engine_rss_bytes >= 0) h.engine_rss_mib = static_cast<double>(b.engine_rss_bytes) / (1024.0 * 1024.0);
  double load[1];
  if (getloadavg(load, 1) == 1) h.loadavg1 = load[0];
  const double slice_limit_us = static_cast<double>(limits.max_wait_per_slice.count()) / 1e3;
  // The wait per timeslice, not the total: at concurrency 1 the harness wakes rarely, so its total
  // wait stays small while every wake-up is late (CI, 2026-12-03: 24 µs per slice, 2 % in all).
  const bool engine_here = !std::isnan(h.engine_cores);
  // /proc/stat counts in ticks (10 ms): over fewer than ~100 of them (half a second on two CPUs)
  // the neighbours' share is too coarse to judge by.
  constexpr std::int64_t kMinTicks = 100;
  const bool enough_ticks = b.total_ticks - a.total_ticks >= kMinTicks;
  if (engine_here) {
    if (enough_ticks && !std::isnan(h.others_cores) && h.others_cores > limits.max_neighbour_cores) {
      h.busy = true;
      h.why = fmt::format(
          "other processes than llmbench and the engine used {:.2f} cores (limit {:.2f}; the engine {:.2f})",
          h.others_cores, limits.max_neighbour_cores, h.engine_cores);
    }
  } else if (!std::isnan(h.wait_per_slice_us) && h.wait_per_slice_us > slice_limit_us) {
    h.busy = true;
    h.why = fmt::format(
        "the harness's threads waited {:.0f} µs for a CPU before each timeslice (limit {:.0f} µs; {:.1f}% of the "
        "wall time in all)",
        h.wait_per_slice_us, slice_limit_us, h.cpu_wait * 100);
  }
  if (!h.busy && !std::isnan(h.steal) && h.steal > limits.max_steal) {
    h.busy = true;
    h.why = fmt::format("the hypervisor stole {:.1f}% of the CPU time (limit {:.1f}%)", h.steal * 100,
                        limits.max_steal * 100);
  }
  return h;
}

}  // namespace llmbench::pipeline
