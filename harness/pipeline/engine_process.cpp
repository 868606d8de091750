#include "pipeline/engine_process.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace llmbench::pipeline {
namespace {

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool Loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0 || host == "ip6-localhost";
}

// Each entry of a directory; `fn` returns false to stop. Never throws: /proc entries vanish
// while they are read (a process exits), and that ends the walk, not the run.
template <typename Fn>
void ForEachEntry(const std::filesystem::path& dir, Fn fn) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!fn(it->path())) return;
  }
}

std::int64_t Number(const std::string& t) {
  std::int64_t v = -1;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && end == t.data() + t.size() ? v : -1;
}

template <typename Fn>
void ForEachPid(Fn fn) {
  ForEachEntry("/proc", [&](const std::filesystem::path& p) {
    const std::string name = p.filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return true;
    int pid = 0;
    std::from_chars(name.data(), name.data() + name.size(), pid);
    return fn(pid);
  });
}

// One process: the larger of its live threads' time on a CPU (schedstat, in ns: a light engine's
// short run uses less than the 10 ms tick) and its user + system ticks (which keep the time of
// threads that exited), plus its reaped children's; its resident memory.
ProcessSample SampleOne(int pid) {
  ProcessSample s;
  const std::string base = "/proc/" + std::to_string(pid);
  const auto fields = ProcStatFields(pid);
  if (fields.size() < 15) return s;
  // utime (field 14), stime (15), cutime (16), cstime (17).
  const std::int64_t ticks[4] = {Number(fields[11]), Number(fields[12]), Number(fields[13]), Number(fields[14])};
  if (ticks[0] < 0 || ticks[1] < 0) return s;
  const std::int64_t tick_ns = 1'000'000'000 / sysconf(_SC_CLK_TCK);
  std::int64_t on_cpu = 0;
  ForEachEntry(base + "/task", [&](const std::filesystem::path& task) {
    std::ifstream in(task / "schedstat");
    std::int64_t ns = 0;
    if (in >> ns) on_cpu += ns;
    return true;
  });
  s.cpu_ns =
      std::max(on_cpu, (ticks[0] + ticks[1]) * tick_ns) + std::max<std::int64_t>(0, ticks[2] + ticks[3]) * tick_ns;
  std::ifstream statm(base + "/statm");
  std::int64_t size = 0, resident = 0;
  if (statm >> size >> resident) s.rss_bytes = resident * sysconf(_SC_PAGESIZE);
  return s;
}

}  // namespace

std::vector<std::string> ProcStatFields(int pid) {
  const std::string stat = ReadWhole("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');  // the command name may hold spaces and parentheses
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream f(stat.substr(close + 1));
  for (std::string field; f >> field;) fields.push_back(std::move(field));
  return fields;
}

void ForEachProcess(const std::function<bool(int)>& fn) { ForEachPid(fn); }

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

int UrlPort(const std::string& url, std::string& host) {
  const bool https = url.rfind("https://", 0) == 0;
  if (!https && url.rfind("http://", 0) != 0) return -1;
  std::string rest = url.substr(https ? 8 : 7);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);  // user:pass@
  std::string port;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:8000
    const auto close = rest.find(']');
    if (close == std::string::npos) return -1;
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (port.empty()) return https ? 443 : 80;
  int p = -1;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  return ec == std::errc() && end == port.data() + port.size() && p > 0 && p < 65536 ? p : -1;
}

std::vector<std::uint64_t> ListeningInodes(std::string_view text, int port) {
  std::vector<std::uint64_t> inodes;
  std::istringstream lines{std::string(text)};
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    std::string sl, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    if (!(f >> sl >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode)) continue;
    if (state != "0A") continue;  // TCP_LISTEN
    const auto colon = local.rfind(':');
    if (colon == std::string::npos) continue;
    unsigned local_port = 0;
    const auto hex = std::string_view(local).substr(colon + 1);
    const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), local_port, 16);
    if (ec != std::errc() || static_cast<int>(local_port) != port) continue;
    std::uint64_t n = 0;
    const auto [iend, iec] = std::from_chars(inode.data(), inode.data() + inode.size(), n);
    if (iec == std::errc() && n != 0) inodes.push_back(n);
  }
  return inodes;
}

std::optional<int> FindLocalEngine(const std::string& url) {
  std::string host;
  const int port = UrlPort(url, host);
  if (port < 0 || !Loopback(host)) return std::nullopt;
  std::vector<std::string> sockets;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    for (const auto inode : ListeningInodes(ReadWhole(table), port))
      sockets.push_back("socket:[" + std::to_string(inode) + "]");
  }
  if (sockets.empty()) return std::nullopt;
  std::optional<int> found;
  ForEachPid([&](int pid) {
    ForEachEntry("/proc/" + std::to_string(pid) + "/fd", [&](const std::filesystem::path& fd) {
      std::error_code ec;
      const std::string target = std::filesystem::read_symlink(fd, ec).string();
      if (!ec && std::find(sockets.begin(), sockets.end(), target) != sockets.end()) found = pid;
      return !found;
    });
    return !found;
  });
  if (found && *found == static_cast<int>(getpid())) return std::nullopt;  // the embedded simulator: our own CPU
  return found;
}

ProcessSample SampleProcess(int pid) {
  // The tree under the listener: vLLM's engine core, TGI's shards, Ollama's runner and SGLang's
  // scheduler do their work in child processes.
  std::map<int, std::vector<int>> children;
  ForEachPid([&](int p) {
    const auto fields = ProcStatFields(p);
    if (fields.size() > 1) children[static_cast<int>(Number(fields[1]))].push_back(p);
    return true;
  });
  ProcessSample total;
  std::vector<int> todo{pid};
  std::set<int> seen;
  while (!todo.empty()) {
    const int p = todo.back();
    todo.pop_back();
    if (!seen.insert(p).second) continue;
    const ProcessSample one = SampleOne(p);
    if (p == pid && one.cpu_ns < 0) return {};  // the listener itself is gone
    if (one.cpu_ns >= 0) total.cpu_ns = std::max<std::int64_t>(total.cpu_ns, 0) + one.cpu_ns;
    if (one.rss_bytes >= 0) total.rss_bytes = std::max<std::int64_t>(total.rss_bytes, 0) + one.rss_bytes;
    const auto it = children.find(p);
    if (it != children.end()) todo.insert(todo.end(), it->second.begin(), it->second.end());
  }
  return total;
}

}  // namespace llmbench::pipeline
