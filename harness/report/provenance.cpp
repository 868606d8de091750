#include "report/provenance.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>

#include "base/version.hpp"

namespace llmbench::report {
namespace {

std::string Capture(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    std::array<char, 256> buffer;
    while (std::fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
    pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

std::string HostName() {
  std::array<char, 256> host{};
  return gethostname(host.data(), host.size() - 1) == 0 ? std::string(host.data()) : std::string();
}

std::string UtcNow() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

Provenance CollectProvenance(const std::string& dir, const std::string& command) {
  Provenance p;
  p.harness_version = kVersion;
  p.command = command;
  p.host = HostName();
  p.started_utc = UtcNow();
  const std::string git = "git -C " + Quote(dir.empty() ? "." : dir);
  p.git_commit = Capture(git + " rev-parse HEAD 2>/dev/null");
  if (!p.git_commit.empty())
    p.git_dirty = !Capture(git + " status --porcelain --untracked-files=no 2>/dev/null").empty();
  return p;
}

}  // namespace llmbench::report
