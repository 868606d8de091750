// End to end, an engine's lifecycle from the scenario ([engines.<name>.launch]): llmbench starts
// the simulator as an external process (`llmbench sim`), waits until it answers, runs the cases
// and stops it, from `llmbench run` and as a CTest fixture in a consumer project; a command that
// exits early, one that never becomes ready and one that ignores SIGTERM give clear errors and
// leave nothing running.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "e2e/process.hpp"
#include "e2e/results.hpp"
#include "test_paths.hpp"

using namespace llmbench::testing;
using nlohmann::json;

namespace {

const std::string kLlmbench = llmbench::testing::kLlmbenchBinary;
const std::string kSource = llmbench::testing::kSourceDir;

// A loopback port nobody listens on (bound and released: free for the moment after).
std::string FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return std::to_string(ntohs(a.sin_port));
}

bool Listening(const std::string& port) {
  return RunCommand("bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port + "' 2>/dev/null").first == 0;
}

// Processes whose command line contains `marker` (this test's own process excluded).
int ProcessesWith(const std::string& marker) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) == getpid()) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    std::ifstream stat(entry.path() / "stat");
    std::string s((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = s.rfind(')');
    const bool zombie = close != std::string::npos && s.size() > close + 2 && s[close + 2] == 'Z';
    if (!zombie && cmdline.find(marker) != std::string::npos) ++n;
  }
  return n;
}

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::string Quoted(const std::vector<std::string>& args) {
  std::string out = "[";
  for (const auto& a : args) out += (out.size() > 1 ? ", " : "") + json(a).dump();
  return out + "]";
}

// A scenario whose engine `ext` is launched by llmbench with `command`.
// `launch_extra` may set other keys; ready_timeout and stop_timeout default to 20s and 5s.
std::string LaunchScenario(const std::string& port, const std::vector<std::string>& command,
                           const std::string& launch_extra = "") {
  std::string timeouts;
  if (launch_extra.find("ready_timeout") == std::string::npos) timeouts += "ready_timeout = \"20s\"\n";
  if (launch_extra.find("stop_timeout") == std::string::npos) timeouts += "stop_timeout = \"5s\"\n";
  return "schema = 1\n[engines.ext]\nprotocol = \"openai-chat\"\nurl = \"http://127.0.0.1:" + port +
         "\"\nmodel = \"m\"\n[engines.ext.launch]\ncommand = " + Quoted(command) + "\n" + timeouts + launch_extra +
         "[classes.c]\ninput_tokens = 32\noutput_tokens = 8\n"
         "[load]\nconcurrency = [2]\nrequests = 8\nwarmup = 1\nrepetitions = 1\n";
}

std::vector<std::string> SimCommand(const std::string& port) {
  return {kLlmbench, "sim", "--port", port, "--set", "decode_step=1ms", "--set", "prefill_base=1ms"};
}

}  // namespace

BOOST_AUTO_TEST_CASE(run_launches_the_engine_waits_until_ready_measures_and_stops_it) {
  TempDir dir("launch-run");
  const std::string port = FreePort();
  std::ofstream(dir / "x.toml") << LaunchScenario(port, SimCommand(port), "env = { LLMBENCH_LAUNCH_TEST = \"1\" }\n");
  const auto [code, output] = RunCommand(kLlmbench + " run " + dir / "x.toml" + " --out " + dir / "out");
  BOOST_TEST(code == 0, output);
  BOOST_TEST(output.find("engine 'ext': ready after ") != std::string::npos, output);
  BOOST_TEST(output.find("stopped engine 'ext' (pid ") != std::string::npos, output);
  BOOST_TEST(output.find("with SIGTERM") != std::string::npos, output);
  const json c = llmbench::testing::ReadResults(dir / "out/results.json")["cases"][0];
  BOOST_TEST(c["engine_identity"]["engine"] == "llmbench simulator");
  BOOST_TEST(c["levels"][0]["summary"]["succeeded"].get<int>() == 8);
  // Its output went to the log next to the results; it is gone, and its port free.
  std::ifstream log(dir / "out/engines/ext.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  BOOST_TEST(text.find("=== llmbench: launching engine 'ext'") != std::string::npos, text);
  BOOST_TEST(text.find("llmbench sim listening on http://127.0.0.1:" + port) != std::string::npos, text);
  BOOST_TEST(!Listening(port));
}

BOOST_AUTO_TEST_CASE(a_launch_command_that_exits_early_fails_its_cases_with_the_log_tail) {
  TempDir dir("launch-exit");
  const std::string port = FreePort();
  std::ofstream(dir / "x.toml") << LaunchScenario(
      port, {"sh", "-c", "echo 'loading model.gguf'; echo 'error: model.gguf: no such file' >&2; exit 3"});
  auto [code, output] = RunCommand(kLlmbench + " run " + dir / "x.toml" + " --out " + dir / "out");
  BOOST_TEST(code == 1, output);
  BOOST_TEST(output.find("its launch command exited with status 3") != std::string::npos, output);
  BOOST_TEST(output.find("| error: model.gguf: no such file") != std::string::npos, output);
  const json v = ReadJson(dir / "out/verdicts.json")[0];
  BOOST_TEST(v["outcome"] != "passed");
  BOOST_TEST(v["reasons"].dump().find("exited with status 3") != std::string::npos, v.dump());

  // A program that does not exist: said at once.
  std::ofstream(dir / "y.toml") << LaunchScenario(port, {"no-such-engine-binary", "--port", port});
  std::tie(code, output) = RunCommand(kLlmbench + " run " + dir / "y.toml" + " --out " + dir / "out2");
  BOOST_TEST(code == 1, output);
  BOOST_TEST(output.find("cannot start 'no-such-engine-binary'") != std::string::npos, output);
  BOOST_TEST(output.find("No such file or directory") != std::string::npos, output);
}

BOOST_AUTO_TEST_CASE(a_launch_that_never_becomes_ready_is_stopped_group_and_all) {
  TempDir dir("launch-never");
  const std::string port = FreePort();
  // Two processes in the launch's group, neither ever listening; then one that ignores SIGTERM.
  std::ofstream(dir / "x.toml") << LaunchScenario(port, {"sh", "-c", "sleep 301.25 & sleep 302.25; wait"},
                                                  "ready_timeout = \"1s\"\n");
  auto [code, output] = RunCommand(kLlmbench + " run " + dir / "x.toml" + " --out " + dir / "out");
  BOOST_TEST(code == 1, output);
  BOOST_TEST(output.find("not ready after 1s (ready_timeout): http://127.0.0.1:" + port + "/health answered") !=
                 std::string::npos,
             output);
  BOOST_TEST(output.find("stopped engine 'ext'") != std::string::npos, output);
  BOOST_TEST(ProcessesWith("301.25") == 0);
  BOOST_TEST(ProcessesWith("302.25") == 0);

  std::ofstream(dir / "y.toml") << LaunchScenario(port, {"sh", "-c", "trap '' TERM; sleep 303.25 & wait"},
                                                  "ready_timeout = \"1s\"\nstop_timeout = \"500ms\"\n");
  std::tie(code, output) = RunCommand(kLlmbench + " run " + dir / "y.toml" + " --out " + dir / "out2");
  BOOST_TEST(code == 1, output);
  BOOST_TEST(output.find("did not stop within 500ms of SIGTERM: killed it (SIGKILL)") != std::string::npos, output);
  BOOST_TEST(ProcessesWith("303.25") == 0);
}

// An engine launched on this host with a GPU: its utilisation and memory per run and level, from
// nvidia-smi (here a stand-in script on PATH that prints what nvidia-smi prints for two GPUs).
BOOST_AUTO_TEST_CASE(gpu_utilisation_and_memory_of_an_engine_on_this_host_reach_results) {
  TempDir dir("launch-gpu");
  std::filesystem::create_directories(dir / "bin");
  std::ofstream(dir / "bin/nvidia-smi") << "#!/bin/sh\nwhile :; do echo '0, 30, 1000'; echo '1, 50, 3000'; "
                                           "sleep 0.1; done\n";
  std::filesystem::permissions(dir / "bin/nvidia-smi", std::filesystem::perms::owner_all);
  const std::string port = FreePort();
  // Runs of ~0.5 s (20 ms decode steps), so the sampler sees the GPUs even on a busy host.
  std::ofstream(dir / "x.toml") << LaunchScenario(port,
                                                  {kLlmbench, "sim", "--port", port, "--set", "decode_step=20ms"});
  const auto [code, output] =
      RunCommand("PATH=" + dir / "bin" + ":$PATH " + kLlmbench + " run " + dir / "x.toml" + " --out " + dir / "out");
  BOOST_TEST_REQUIRE(code == 0, output);
  const json c = llmbench::testing::ReadResults(dir / "out/results.json")["cases"][0];
  BOOST_TEST(c["runs"][0]["host"]["gpu_utilization"].get<double>() == 40.0);
  BOOST_TEST(c["runs"][0]["host"]["gpu_memory_mib"].get<double>() == 4000.0);
  const json level = c["levels"][0]["summary"]["level"];
  BOOST_TEST(level["gpu_utilization"].get<double>() == 40.0);
  BOOST_TEST(level["gpu_memory"].get<double>() == 4000.0);
  BOOST_TEST(ProcessesWith(dir / "bin/nvidia-smi") == 0);  // the sampler stopped with the run
}

// A run cancelled half-way (Ctrl-C, a CI job cancelled) takes the engine it launched with it.
BOOST_AUTO_TEST_CASE(a_run_stopped_by_sigterm_stops_the_engine_it_launched) {
  TempDir dir("launch-sigterm");
  const std::string port = FreePort();
  std::ofstream(dir / "x.toml") << "schema = 1\n[engines.ext]\nprotocol = \"openai-chat\"\nurl = \"http://127.0.0.1:" +
                                       port + "\"\nmodel = \"m\"\n[engines.ext.launch]\ncommand = " +
                                       Quoted({kLlmbench, "sim", "--port", port, "--set", "decode_step=50ms"}) +
                                       "\n[classes.c]\ninput_tokens = 32\noutput_tokens = 200\n"
                                       "[load]\nconcurrency = [1]\nrequests = 100\nwarmup = 0\nrepetitions = 1\n";
  {
    ChildProcess run({kLlmbench, "run", dir / "x.toml", "--out", dir / "out"}, dir / "run.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline && !Listening(port)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_TEST_REQUIRE(Listening(port));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // measuring now
  }                                                               // SIGTERM to llmbench, reaped
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline && Listening(port)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_TEST(!Listening(port));
}

BOOST_AUTO_TEST_CASE(a_port_that_already_answers_is_not_launched_over) {
  TempDir dir("launch-busy");
  ChildProcess other({kLlmbench, "sim", "--port", "0", "--port-file", dir / "port"}, dir / "other.log");
  const std::string port = WaitForFile(dir / "port");
  std::ofstream(dir / "x.toml") << LaunchScenario(port, SimCommand(port));
  const auto [code, output] = RunCommand(kLlmbench + " run " + dir / "x.toml" + " --out " + dir / "out");
  BOOST_TEST(code == 1, output);
  BOOST_TEST(output.find("something already answers at http://127.0.0.1:" + port + "/health before the launch") !=
                 std::string::npos,
             output);
}

// The fixture pair under ctest: `x/ext:start` before the case, `x/ext:stop` after it; a launch
// that fails shows in the merged report as its own error; nothing is left running.
BOOST_AUTO_TEST_CASE(ctest_starts_the_engine_as_a_fixture_and_stops_it) {
  TempDir dir("launch-ctest");
  std::filesystem::create_directories(dir / "scenarios");
  std::ofstream(dir / "CMakeLists.txt") << "cmake_minimum_required(VERSION 3.25)\nproject(consumer NONE)\n"
                                           "enable_testing()\ninclude(" +
                                               kSource +
                                               "/harness/cmake/LLMBench.cmake)\n"
                                               "llmbench_add_scenarios(DIR scenarios LLMBENCH " +
                                               kLlmbench + ")\n";
  const std::string port = FreePort();
  std::ofstream(dir / "scenarios/x.toml") << LaunchScenario(port, SimCommand(port));
  auto [code, out] = RunCommand("cmake -S " + dir / "" + " -B " + dir / "build");
  BOOST_TEST_REQUIRE(code == 0, out);
  std::tie(code, out) = RunCommand("ctest --test-dir " + dir / "build" + " -N");
  BOOST_TEST(out.find("x/ext:start") != std::string::npos, out);
  BOOST_TEST(out.find("x/ext:stop") != std::string::npos, out);
  // Selecting the case alone pulls in its fixture.
  std::tie(code, out) = RunCommand("ctest --test-dir " + dir / "build" + " --output-on-failure -R '^x/ext/c$'");
  BOOST_TEST(code == 0, out);
  BOOST_TEST(out.find("x/ext:start ") != std::string::npos, out);
  BOOST_TEST(out.find("x/ext:stop ") != std::string::npos, out);
  BOOST_TEST(out.find("100% tests passed") != std::string::npos, out);
  BOOST_TEST(!Listening(port));
  BOOST_TEST(!std::filesystem::exists(dir / "reports/engines/x/ext.json"));  // the state is cleared
  BOOST_TEST(std::filesystem::exists(dir / "reports/engines/x/ext.log"));

  // A launch that fails: the start test fails with why, the case does not run, the report says so.
  std::ofstream(dir / "scenarios/x.toml")
      << LaunchScenario(port, {"sh", "-c", "echo 'CUDA out of memory' >&2; exit 1"});
  std::tie(code, out) = RunCommand("ctest --test-dir " + dir / "build" + " --output-on-failure");
  BOOST_TEST(code != 0, out);
  BOOST_TEST(out.find("| CUDA out of memory") != std::string::npos, out);
  std::ifstream junit(dir / "reports/junit.xml");
  const std::string xml((std::istreambuf_iterator<char>(junit)), std::istreambuf_iterator<char>());
  BOOST_TEST(xml.find("ext:start") != std::string::npos, xml);
  BOOST_TEST(xml.find("exited with status 1") != std::string::npos, xml);
}
