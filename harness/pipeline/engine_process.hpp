// The engine's own process when it runs on this host (a llama.cpp server next to llmbench on a CI
// runner): its CPU is the system under test at work, not a neighbour's, so the disturbed-runner
// detector must not count it against the run, and users want its CPU and memory per level.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmbench::pipeline {

/// The process that listens on `url`'s port when the URL's host is this host's loopback
/// (127.0.0.0/8, ::1, localhost): the owner of the listening TCP socket, from /proc/net/tcp{,6}
/// and /proc/<pid>/fd. nullopt for a remote engine, for llmbench's own process (the embedded
/// simulator) and when the owner is not visible (another user's process; a container's published
/// port, which docker-proxy owns).
std::optional<int> FindLocalEngine(const std::string& url);

/// Inodes of the sockets in `proc_net_tcp` (the text of /proc/net/tcp or tcp6) that listen on
/// `port`, whatever their address.
std::vector<std::uint64_t> ListeningInodes(std::string_view proc_net_tcp, int port);

/// The fields of /proc/<pid>/stat after the command name (which may hold spaces and
/// parentheses): [0] state (field 3), [1] ppid, [2] pgrp, [11]–[14] utime … cstime, [19]
/// starttime (field 22). Empty when the process cannot be read (it exited).
std::vector<std::string> ProcStatFields(int pid);

/// Calls fn(pid) for each process in /proc until it returns false. Never throws: entries vanish
/// while they are read.
void ForEachProcess(const std::function<bool(int)>& fn);

/// `url` without trailing slashes, so that paths can be appended.
std::string TrimSlash(std::string url);

/// The port of an http(s):// URL (its default when absent); -1 when it has none that parses.
/// `host` gets the host part (brackets of an IPv6 literal removed).
int UrlPort(const std::string& url, std::string& host);

/// The CPU time and resident memory of a process and its descendants (vLLM's engine core, TGI's
/// shards, Ollama's runner work in child processes): per process the larger of its live threads'
/// schedstat time (ns) and its user + system ticks (which keep exited threads' time), plus its
/// reaped children's. -1 each when the process itself cannot be read (it exited).
struct ProcessSample {
  std::int64_t cpu_ns = -1;
  std::int64_t rss_bytes = -1;
};
ProcessSample SampleProcess(int pid);

}  // namespace llmbench::pipeline
