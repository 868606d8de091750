// Finding the engine's process on this host, and the busy rule when it is here.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <thread>

#include "pipeline/engine_process.hpp"
#include "pipeline/host_probe.hpp"

namespace p = llmbench::pipeline;

namespace {

// A listening TCP socket on 127.0.0.1, any free port.
int Listen(int& port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  BOOST_TEST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  BOOST_TEST_REQUIRE(listen(fd, 4) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

BOOST_AUTO_TEST_CASE(url_ports_and_hosts) {
  std::string host;
  BOOST_TEST(p::UrlPort("http://127.0.0.1:8000", host) == 8000);
  BOOST_TEST(host == "127.0.0.1");
  BOOST_TEST(p::UrlPort("http://localhost/v1", host) == 80);
  BOOST_TEST(host == "localhost");
  BOOST_TEST(p::UrlPort("https://api.example.com", host) == 443);
  BOOST_TEST(p::UrlPort("http://[::1]:9000/x", host) == 9000);
  BOOST_TEST(host == "::1");
  BOOST_TEST(p::UrlPort("http://user:pw@127.0.0.1:81/", host) == 81);
  BOOST_TEST(host == "127.0.0.1");
  BOOST_TEST(p::UrlPort("http://127.0.0.1:0", host) == -1);
  BOOST_TEST(p::UrlPort("http://127.0.0.1:99999", host) == -1);
  BOOST_TEST(p::UrlPort("http://127.0.0.1:80a", host) == -1);
  BOOST_TEST(p::UrlPort("ftp://127.0.0.1:21", host) == -1);
  BOOST_TEST(p::UrlPort("http://[::1", host) == -1);
}

BOOST_AUTO_TEST_CASE(listening_inodes_from_proc_net_tcp_text) {
  const std::string text =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0 100 0 0 "
      "10 0\n"
      "   1: 0100007F:1F40 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 20 4 30 "
      "10 -1\n"  // an established connection on the same port: not the listener
      "   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1 0 100 0 0 10 "
      "0\n"
      "garbage line\n"
      "   3: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1 0 100 0 0 10 0\n";
  BOOST_TEST((p::ListeningInodes(text, 8000) == std::vector<std::uint64_t>{31337}));  // inode 0: a socket in limbo
  BOOST_TEST((p::ListeningInodes(text, 8080) == std::vector<std::uint64_t>{999}));
  BOOST_TEST(p::ListeningInodes(text, 1).empty());
  BOOST_TEST(p::ListeningInodes("", 8000).empty());
  const std::string tcp6 =
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
      "tm->when retrnsmt   uid  timeout inode\n"
      "   0: 00000000000000000000000001000000:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 "
      "00:00000000 00000000  1000        0 5150 1 0 100 0 0 10 0\n";
  BOOST_TEST((p::ListeningInodes(tcp6, 9000) == std::vector<std::uint64_t>{5150}));
}

BOOST_AUTO_TEST_CASE(the_process_that_listens_is_found_and_our_own_is_not) {
  int port = 0;
  const int own = Listen(port);
  BOOST_TEST(!p::FindLocalEngine("http://127.0.0.1:" + std::to_string(port)).has_value());  // llmbench itself
  close(own);

  int child_port = 0;
  int ready[2];
  BOOST_TEST_REQUIRE(pipe(ready) == 0);
  const pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives the test, whatever happens to it
    if (getppid() == 1) _exit(0);
    close(ready[0]);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd, 4);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    const int port_out = ntohs(addr.sin_port);
    (void)!write(ready[1], &port_out, sizeof port_out);
    for (unsigned long spin = 0;; ++spin) __asm__ volatile("" : "+r"(spin));  // busy: an engine at work
  }
  struct Reaper {  // kills the spinning child on every way out of this test
    pid_t pid;
    ~Reaper() {
      if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } reaper{child};
  close(ready[1]);
  BOOST_TEST_REQUIRE(read(ready[0], &child_port, sizeof child_port) == static_cast<ssize_t>(sizeof child_port));
  close(ready[0]);
  const auto found = p::FindLocalEngine("http://127.0.0.1:" + std::to_string(child_port) + "/v1");
  const auto by_name = p::FindLocalEngine("http://localhost:" + std::to_string(child_port));
  const auto remote = p::FindLocalEngine("http://192.0.2.1:" + std::to_string(child_port));  // not this host's
  const p::HostSample before = p::SampleHost(child);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const p::HostSample after = p::SampleHost(child);
  const p::ProcessSample sample = p::SampleProcess(child);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  reaper.pid = 0;
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST(*found == child);
  BOOST_TEST((by_name == found));
  BOOST_TEST(!remote.has_value());
  BOOST_TEST(sample.cpu_ns > 0);
  BOOST_TEST(sample.rss_bytes > 0);
  BOOST_TEST(p::SampleProcess(child).cpu_ns == -1);  // gone

  // Its CPU is the engine's, not a neighbour's: the spinning child shows up as ~1 core of engine
  // (or less, sharing a core with others), and the busy rule is the neighbours' one.
  llmbench::scenario::GateSettings limits;
  const llmbench::gate::HostLoad h = p::Between(before, after, limits);
  BOOST_TEST(h.engine_cores > 0.2, h.engine_cores);
  BOOST_TEST(h.engine_cores < 1.2, h.engine_cores);
  BOOST_TEST(h.engine_rss_mib > 0);
  BOOST_TEST(!std::isnan(h.others_cores));
}

BOOST_AUTO_TEST_CASE(busy_rule_with_the_engine_here_is_the_neighbours_cpu) {
  llmbench::scenario::GateSettings limits;
  p::HostSample a, b;
  a.wall_ns = 0;
  b.wall_ns = 1'000'000'000;
  const std::int64_t tick = 1'000'000'000 / sysconf(_SC_CLK_TCK);
  a.threads[1] = {0, 0};
  b.threads[1] = {50'000'000, 1000};  // 50 µs of wait per slice: over the 20 µs limit
  a.busy_ticks = 0;
  a.total_ticks = 0;
  b.busy_ticks = 2 * 1'000'000'000 / tick;  // both cores busy for the second
  b.total_ticks = b.busy_ticks;
  a.own_cpu_ns = 0;
  b.own_cpu_ns = 500'000'000;  // llmbench: half a core
  // No engine here: the wait rule decides.
  auto h = p::Between(a, b, limits);
  BOOST_TEST(h.busy);
  BOOST_TEST(h.why.find("waited") != std::string::npos, h.why);
  BOOST_TEST(h.others_cores == 1.5, boost::test_tools::tolerance(0.01));
  // The engine used the other 1.5 cores: nobody else was there, so the wait is the engine's.
  a.engine_cpu_ns = 0;
  b.engine_cpu_ns = 1'500'000'000;
  h = p::Between(a, b, limits);
  BOOST_TEST(!h.busy, h.why);
  BOOST_TEST(h.engine_cores == 1.5, boost::test_tools::tolerance(0.01));
  BOOST_TEST(h.others_cores == 0.0, boost::test_tools::tolerance(0.01));
  // The engine had 1 core and a neighbour 0.5: busy, and the reason says who.
  b.engine_cpu_ns = 1'000'000'000;
  h = p::Between(a, b, limits);
  BOOST_TEST(h.busy);
  BOOST_TEST(h.why.find("other processes than llmbench and the engine used 0.50 cores") != std::string::npos, h.why);
  limits.max_neighbour_cores = 0.6;
  BOOST_TEST(!p::Between(a, b, limits).busy);
  // Steal still counts.
  b.steal_ticks = b.total_ticks / 5;
  b.total_ticks += b.steal_ticks;
  h = p::Between(a, b, limits);
  BOOST_TEST(h.busy);
  BOOST_TEST(h.why.find("stole") != std::string::npos, h.why);
}
