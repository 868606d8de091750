#include "bench/sim_child.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include "sim/sim_server.hpp"

namespace llmbench::bench {
namespace {

sim::SimServer* g_server = nullptr;
extern "C" void StopServer(int) {
  if (g_server) g_server->Stop();
}

}  // namespace

bool PinToCpu(int cpu) {
  if (cpu < 0 || cpu >= static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN))) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set) == 0;
}

SimChild::SimChild(const scenario::SimSettings& settings, const std::string& truth_path, int cpu) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    close(fds[0]);
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the benchmark, however it ends
    PinToCpu(cpu);
    sim::SimServerOptions options;
    options.settings = settings;
    options.truth_log_path = truth_path;
    sim::SimServer server(options);
    g_server = &server;
    signal(SIGTERM, StopServer);
    const std::uint16_t port = server.port();
    if (write(fds[1], &port, sizeof port) != sizeof port) _exit(1);
    close(fds[1]);
    server.Run();
    _exit(0);
  }
  close(fds[1]);
  if (read(fds[0], &port_, sizeof port_) != sizeof port_) throw std::runtime_error("simulator did not start");
  close(fds[0]);
}

void SimChild::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

SimChild::~SimChild() { Stop(); }

}  // namespace llmbench::bench
