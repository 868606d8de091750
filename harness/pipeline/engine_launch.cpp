#include "pipeline/engine_launch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "base/atomic_file.hpp"
#include "base/units.hpp"
#include "client/stream_client.hpp"
#include "pipeline/engine_process.hpp"
#include "report/provenance.hpp"
#include "scenario/sections.hpp"

extern char** environ;

namespace llmbench::pipeline {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kPollEvery = std::chrono::milliseconds(200);
constexpr auto kReadyCallTimeout = std::chrono::seconds(2);
constexpr auto kKillWait = std::chrono::seconds(5);

std::string Absolute(const std::string& path, const std::string& base) {
  fs::path p(path);
  if (p.is_relative()) p = fs::path(base.empty() ? "." : base) / p;
  return fs::absolute(p).lexically_normal().string();
}

std::int64_t ToInt(const std::string& s) {
  std::int64_t v = -1;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : -1;
}

std::int64_t StartTicks(int pid) {
  const auto f = ProcStatFields(pid);
  return f.size() > 19 ? ToInt(f[19]) : -1;  // field 22, starttime
}

// Live (not zombie) processes of the process group `pgid`.
std::vector<int> GroupMembers(int pgid) {
  std::vector<int> members;
  ForEachProcess([&](int pid) {
    const auto f = ProcStatFields(pid);
    if (f.size() > 2 && f[0] != "Z" && f[0] != "X" && ToInt(f[2]) == pgid) members.push_back(pid);
    return true;
  });
  return members;
}

// Reaps `pid` if it is this process's child and has exited; its wait status, or -1.
int Reap(int pid) {
  int status = 0;
  const pid_t r = waitpid(pid, &status, WNOHANG);
  return r == pid ? status : -1;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return "ended";
}

std::string Seconds(Clock::duration d) { return fmt::format("{:.1f} s", std::chrono::duration<double>(d).count()); }

std::int64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_size) : 0;
}

std::string WithLog(const std::string& message, const LaunchPlan& plan, std::int64_t from) {
  const std::string tail = LogTail(plan.log, from);
  if (tail.empty()) return fmt::format("{}; its log ({}) is empty", message, plan.log);
  return fmt::format("{}; the last lines of its log ({}):\n{}", message, plan.log, tail);
}

// The environment of the child: llmbench's, with the plan's variables added or replaced.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    env[entry.substr(0, entry.find('='))] = entry;
  }
  for (const auto& entry : extra) env[entry.substr(0, entry.find('='))] = entry;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (auto& [name, entry] : env) out.push_back(std::move(entry));
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (auto& s : strings) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

// Spawns the command in a new session (its own process group), stdin from /dev/null, stdout
// and stderr appended to the log, no other descriptor inherited.
int Spawn(const LaunchPlan& plan, int log_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawn_file_actions_addchdir_np(&actions, plan.workdir.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args = plan.argv;
  std::vector<std::string> env = ChildEnvironment(plan.env);
  auto argv = Pointers(args);
  auto envp = Pointers(env);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (error != 0) {
    throw LaunchError(fmt::format("engine '{}': cannot start '{}' (in {}): {}", plan.engine, plan.argv.front(),
                                  plan.workdir, std::strerror(error)));
  }
  return pid;
}

}  // namespace

LaunchPlan ResolveLaunch(const scenario::Engine& engine, const std::string& scenario_dir,
                         const std::string& default_log) {
  const scenario::Launch& l = *engine.launch;
  LaunchPlan p;
  p.engine = engine.name;
  p.argv = l.command;
  for (const auto& [name, value] : l.env) p.env.push_back(name + "=" + value);
  p.workdir = Absolute(l.workdir.empty() ? "." : l.workdir, scenario_dir);
  p.ready_url = l.ready_url.front() == '/' ? TrimSlash(engine.url) + l.ready_url : l.ready_url;
  p.log = l.log.empty() ? Absolute(default_log, "") : Absolute(l.log, scenario_dir);
  p.ready_timeout = l.ready_timeout;
  p.stop_signal = l.stop_signal;
  p.stop_timeout = l.stop_timeout;
  return p;
}

std::string LogTail(const std::string& path, std::int64_t from, int max_lines) {
  constexpr std::int64_t kMaxBytes = 4096;
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  const std::int64_t size = FileSize(path);
  const std::int64_t start = std::max(from, size - kMaxBytes);
  in.seekg(start);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  std::size_t cut = text.size();
  for (int n = 0; n < max_lines && cut != std::string::npos && cut > 0; ++n) cut = text.rfind('\n', cut - 1);
  if (cut != std::string::npos && cut < text.size()) text = text.substr(cut + 1);
  std::string indented;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) indented += "    | " + line + "\n";
  if (!indented.empty()) indented.pop_back();
  return indented;
}

bool StillRunning(const LaunchedProcess& p) {
  if (p.pid <= 0) return false;
  const auto f = ProcStatFields(p.pid);
  return f.size() > 19 && f[0] != "Z" && f[0] != "X" && ToInt(f[19]) == p.start_ticks;
}

LaunchedProcess StartEngine(const LaunchPlan& plan, Nanoseconds& ready_after) {
  if (plan.argv.empty() || plan.argv.front().empty()) {
    throw LaunchError(fmt::format("engine '{}': the launch command is empty", plan.engine));
  }
  std::error_code ec;
  if (!fs::is_directory(plan.workdir, ec)) {
    throw LaunchError(fmt::format("engine '{}': launch workdir '{}' is not a directory", plan.engine, plan.workdir));
  }
  // Something already answering there would be measured instead of what we launch.
  if (client::ProbeConnect(plan.ready_url, std::chrono::seconds(1)).empty()) {
    throw LaunchError(fmt::format(
        "engine '{}': something already answers at {} before the launch, so llmbench would measure it instead; "
        "stop it (an earlier run's engine?), or remove [engines.{}.launch] to measure it as it is",
        plan.engine, plan.ready_url, plan.engine));
  }
  fs::create_directories(fs::path(plan.log).parent_path(), ec);
  const int log_fd = ::open(plan.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    throw LaunchError(
        fmt::format("engine '{}': cannot open its log {}: {}", plan.engine, plan.log, std::strerror(errno)));
  }
  const std::string header = fmt::format("=== llmbench: launching engine '{}' at {}: {} ===\n", plan.engine,
                                         report::UtcNow(), fmt::join(plan.argv, " "));
  if (::write(log_fd, header.data(), header.size()) < 0) {
    // A full disk shows up below, if at all; the launch itself does not need the header.
  }
  const std::int64_t from = FileSize(plan.log);
  int pid = 0;
  try {
    pid = Spawn(plan, log_fd);
  } catch (...) {
    ::close(log_fd);
    throw;
  }
  ::close(log_fd);
  LaunchedProcess p{pid, StartTicks(pid), plan.engine, plan.log, plan.stop_signal, plan.stop_timeout};
  const auto started = Clock::now();
  const auto deadline = started + plan.ready_timeout;
  std::string last_answer = "nothing";
  while (true) {
    if (const int status = Reap(pid); status != -1) {
      ::kill(-pid, SIGKILL);  // whatever it started in its group goes with it
      throw LaunchError(
          WithLog(fmt::format("engine '{}': its launch command {} after {}, before {} answered", plan.engine,
                              DescribeExit(status), Seconds(Clock::now() - started), plan.ready_url),
                  plan, from));
    }
    const client::GetResult r = client::HttpGet(plan.ready_url, {}, kReadyCallTimeout, 512);
    if (r.status >= 200 && r.status < 300) break;
    last_answer = r.status == 0 ? r.error : fmt::format("HTTP {}", r.status);
    if (Clock::now() >= deadline) {
      const StopResult stop = StopEngine(p);
      throw LaunchError(
          WithLog(fmt::format("engine '{}': not ready after {} (ready_timeout): {} answered {}; {}", plan.engine,
                              FormatDuration(plan.ready_timeout), plan.ready_url, last_answer, stop.message),
                  plan, from));
    }
    std::this_thread::sleep_for(kPollEvery);
  }
  ready_after = std::chrono::duration_cast<Nanoseconds>(Clock::now() - started);
  return p;
}

StopResult StopEngine(const LaunchedProcess& p) {
  StopResult r;
  const auto started = Clock::now();
  const bool leader = StillRunning(p);
  const int early_status = leader ? -1 : Reap(p.pid);
  if (!leader && GroupMembers(p.pid).empty()) {
    r.was_running = false;
    r.message = fmt::format("engine '{}' (pid {}) had already {} before it was stopped; see its log {}", p.engine,
                            p.pid, early_status != -1 ? DescribeExit(early_status) : "exited", p.log);
    return r;
  }
  const std::string signal_name(scenario::SignalName(p.stop_signal));
  ::kill(-p.pid, p.stop_signal);
  const auto wait_until_gone = [&](Clock::time_point deadline) {
    while (true) {
      Reap(p.pid);
      if (GroupMembers(p.pid).empty()) return true;
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  if (wait_until_gone(started + p.stop_timeout)) {
    r.message = fmt::format("stopped engine '{}' (pid {}) with {} in {}", p.engine, p.pid, signal_name,
                            Seconds(Clock::now() - started));
    return r;
  }
  ::kill(-p.pid, SIGKILL);
  r.stopped = wait_until_gone(Clock::now() + kKillWait);
  r.message = r.stopped ? fmt::format("engine '{}' (pid {}) did not stop within {} of {}: killed it (SIGKILL)",
                                      p.engine, p.pid, FormatDuration(p.stop_timeout), signal_name)
                        : fmt::format("engine '{}' (pid {}): processes of its group survived SIGKILL", p.engine, p.pid);
  return r;
}

void WriteLaunchState(const std::string& path, const LaunchedProcess& p) {
  const nlohmann::json j{{"pid", p.pid}, {"start_ticks", p.start_ticks}, {"engine", p.engine},
                         {"log", p.log}, {"stop_signal", p.stop_signal}, {"stop_timeout_ns", p.stop_timeout.count()}};
  WriteFileAtomically(path, [&](std::ostream& out) { out << j.dump(1) << '\n'; });
}

std::optional<LaunchedProcess> ReadLaunchState(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(in);
    LaunchedProcess p;
    p.pid = j.at("pid").get<int>();
    p.start_ticks = j.at("start_ticks").get<std::int64_t>();
    p.engine = j.at("engine").get<std::string>();
    p.log = j.at("log").get<std::string>();
    p.stop_signal = j.at("stop_signal").get<int>();
    p.stop_timeout = Nanoseconds(j.at("stop_timeout_ns").get<std::int64_t>());
    if (p.pid <= 1) throw std::runtime_error("pid " + std::to_string(p.pid));
    return p;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: not an llmbench engine state file ({})", path, e.what()));
  }
}

}  // namespace llmbench::pipeline
