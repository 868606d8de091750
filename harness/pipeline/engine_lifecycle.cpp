#include "pipeline/engine_lifecycle.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>

namespace llmbench::pipeline {
namespace {

// Process groups of the engines this process launched, for the signal handler.
std::array<std::atomic<int>, 64> g_launched{};

extern "C" void StopLaunchedAndDie(int signal) {
  for (auto& group : g_launched) {
    if (const int pgid = group.load(); pgid > 0) ::kill(-pgid, SIGTERM);
  }
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void Remember(int pgid) {
  static const bool handlers = [] {
    std::signal(SIGINT, StopLaunchedAndDie);
    std::signal(SIGTERM, StopLaunchedAndDie);
    std::signal(SIGHUP, StopLaunchedAndDie);
    return true;
  }();
  (void)handlers;
  for (auto& group : g_launched) {
    int empty = 0;
    if (group.compare_exchange_strong(empty, pgid)) return;
  }
}

void Forget(int pgid) {
  for (auto& group : g_launched) {
    int expected = pgid;
    group.compare_exchange_strong(expected, 0);
  }
}

void Stop(const LaunchedProcess& p) {
  fmt::print("{}\n", StopEngine(p).message);
  Forget(p.pid);
}

}  // namespace

EngineLifecycle::EngineLifecycle(const std::vector<scenario::Case>& cases, bool off, std::string log_dir)
    : off_(off), log_dir_(std::move(log_dir)) {
  for (std::size_t i = 0; i < cases.size(); ++i) last_case_[cases[i].engine.name] = i;
}

EngineLifecycle::~EngineLifecycle() {
  for (const auto& [name, p] : running_) Stop(p);
}

void EngineLifecycle::Before(const scenario::Case& c, std::map<std::string, std::string>& failures) {
  const auto& e = c.engine;
  if (off_ || !e.launch || running_.count(e.name) || failures.count(e.name)) return;
  const std::string dir = std::filesystem::path(c.scenario_file).parent_path().string();
  const auto plan = ResolveLaunch(e, dir, log_dir_ + "/" + e.name + ".log");
  fmt::print("engine '{}': launching {} (log: {})\n", e.name, fmt::join(plan.argv, " "), plan.log);
  std::fflush(stdout);
  try {
    Nanoseconds ready_after{};
    const auto p = StartEngine(plan, ready_after);
    running_.emplace(e.name, p);
    Remember(p.pid);
    fmt::print("engine '{}': ready after {:.1f} s at {} (pid {})\n", e.name,
               std::chrono::duration<double>(ready_after).count(), plan.ready_url, p.pid);
  } catch (const LaunchError& error) {
    failures[e.name] = error.what();
    fmt::print("engine '{}': launch failed\n", e.name);
  }
}

void EngineLifecycle::After(std::size_t i, const scenario::Case& c) {
  const auto it = running_.find(c.engine.name);
  if (it == running_.end() || last_case_[c.engine.name] != i) return;
  Stop(it->second);
  running_.erase(it);
}

}  // namespace llmbench::pipeline
