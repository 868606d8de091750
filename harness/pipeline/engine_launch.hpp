// Starting and stopping an engine on this host ([engines.<name>.launch]): its command in a
// process group of its own, output to a log file, ready when its ready URL answers 2xx; stopped
// with its stop signal, then SIGKILL, group and all. Used around `llmbench run`'s cases and by
// `llmbench engine start|stop`, the CTest fixture pair (a state file carries the process from
// one to the other).
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::pipeline {

/// A launch with every path and URL made absolute.
struct LaunchPlan {
  std::string engine;  ///< the engine's name, for messages
  std::vector<std::string> argv;
  std::vector<std::string> env;  ///< "NAME=value" added to (or replacing in) llmbench's environment
  std::string workdir;
  std::string ready_url;
  std::string log;
  Nanoseconds ready_timeout{};
  int stop_signal = 15;
  Nanoseconds stop_timeout{};
};

/// `scenario_dir` anchors relative workdir and log; `default_log` is used when the scenario
/// names none. The ready URL is the engine's url + ready_url when that is a path.
LaunchPlan ResolveLaunch(const scenario::Engine& engine, const std::string& scenario_dir,
                         const std::string& default_log);

/// Why a launch failed, in words a user can act on (with the last lines of the engine's log).
/// Nothing of the launch is left running when this is thrown.
class LaunchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What identifies a launched process across llmbench invocations (pid reuse is checked
/// against the process's start time).
struct LaunchedProcess {
  int pid = 0;                    ///< also its process group
  std::int64_t start_ticks = -1;  ///< /proc/<pid>/stat field 22
  std::string engine;
  std::string log;
  int stop_signal = 15;
  Nanoseconds stop_timeout{};
};

/// Starts the command and waits until the ready URL answers 2xx. Throws LaunchError when the
/// port already answers before the launch (another server would be measured), the command
/// cannot be started, exits before it is ready, or is not ready within ready_timeout (then it is
/// stopped). `ready_after` gets the time it took.
LaunchedProcess StartEngine(const LaunchPlan& plan, Nanoseconds& ready_after);

/// How a stop went, for the console and the fixture's exit code.
struct StopResult {
  bool was_running = true;  ///< false: the engine had already exited (crashed during the run?)
  bool stopped = true;      ///< false: processes of its group survived even SIGKILL
  std::string message;
};

/// Sends the stop signal to the process group, waits up to stop_timeout for every member to
/// exit, then SIGKILLs what is left. Reaps the process when it is this process's child.
StopResult StopEngine(const LaunchedProcess& p);

/// Is the recorded process still the one that was launched (same pid, same start time)?
bool StillRunning(const LaunchedProcess& p);

/// The state file of `llmbench engine start|stop`: JSON with the fields of LaunchedProcess.
void WriteLaunchState(const std::string& path, const LaunchedProcess& p);
/// nullopt when the file does not exist; throws std::runtime_error when it does not parse.
std::optional<LaunchedProcess> ReadLaunchState(const std::string& path);

/// The last `max_lines` lines of a log file from byte `from` on (at most 4 KiB), for errors.
std::string LogTail(const std::string& path, std::int64_t from = 0, int max_lines = 15);

}  // namespace llmbench::pipeline
