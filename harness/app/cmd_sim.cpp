// `llmbench sim`: the built-in simulator as a standalone server.
#include <fmt/format.h>

#include <csignal>
#include <fstream>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "base/diagnostic.hpp"
#include "scenario/load_toml.hpp"
#include "sim/sim_server.hpp"

namespace llmbench::app {
namespace {

sim::SimServer* g_server = nullptr;

extern "C" void StopOnSignal(int) {
  if (g_server) g_server->Stop();
}

// "decode_step=20ms" → `decode_step = "20ms"`; numbers and booleans stay bare.
std::string ToTomlLine(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) return assignment;  // let the TOML parser report it
  const std::string key = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  const bool bare = !value.empty() && (*end == '\0' || value == "true" || value == "false");
  return key + " = " + (bare ? value : "\"" + value + "\"");
}

}  // namespace

Command AddSimCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("sim", "Run the built-in simulator (OpenAI + TGI streaming) on loopback");
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8000;
    std::vector<std::string> settings;
    std::string truth_log;
    std::string port_file;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--host", o->host, "Address to listen on (loopback by default)");
  cmd->add_option("--port", o->port, "Port; 0 picks a free one (see --port-file)");
  cmd->add_option("--set", o->settings,
                  "Timing model / fault setting as in a scenario's [engines.X.simulator] table, e.g. "
                  "--set decode_step=20ms --set faults.http_429=0.05 (repeatable)");
  cmd->add_option("--truth-log", o->truth_log, "Write what the simulator did per request (JSON lines)");
  cmd->add_option("--port-file", o->port_file, "Write the listening port to this file once ready");
  return [o] {
    std::string text;
    for (const auto& s : o->settings) text += ToTomlLine(s) + "\n";
    sim::SimServerOptions options;
    try {
      options.settings = scenario::LoadSimSettingsText(text, "--set");
    } catch (const InputError& e) {
      fmt::print(stderr, "{}\n", e.what());
      return kExitBadInput;
    }
    options.host = o->host;
    options.port = o->port;
    options.truth_log_path = o->truth_log;
    try {
      sim::SimServer server(options);
      g_server = &server;
      std::signal(SIGINT, StopOnSignal);
      std::signal(SIGTERM, StopOnSignal);
      if (!o->port_file.empty()) std::ofstream(o->port_file) << server.port() << '\n';
      fmt::print("llmbench sim listening on http://{}:{}\n", o->host, server.port());
      std::fflush(stdout);
      server.Run();
      g_server = nullptr;
    } catch (const std::exception& e) {
      fmt::print(stderr, "error: {}\n", e.what());
      return kExitBadInput;
    }
    return kExitOk;
  };
}

}  // namespace llmbench::app
