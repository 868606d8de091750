// llmbench-bench: the measurement client's capacity and accuracy, against the simulator running
// in a child process pinned to the other core. Prints figures; asserts nothing (targets are in
// README.md "Benchmark", checked by reading this output, never by a timed test).
//
//   ingest    SSE events/s the one-thread curl-multi loop takes in, and its CPU time per event,
//             with 16 events per socket write (a busy server) and with 1 per write
//   timing    N streams, one event per stream every 20 ms: |measured gap − true gap| against the
//             simulator's truth log (both stamp CLOCK_MONOTONIC), errors, and backlog (how far
//             the harness's stamps trail the simulator's sends); --streams10k: 10,000 streams,
//             one event each per second, started together and staggered over 5 s
//   memory    peak RSS of a fresh process that runs 10,000 requests of 256 output tokens
//   writer    CPU per records.jsonl line: written straight to text vs built as a JSON object
//             and dumped (the same process, the same records: a ratio that does not depend on
//             the machine)
//   decode    CPU per event of SSE framing + openai-chat decoding alone, beside the reference
//             client's per-event work (a memchr scan)
//   reference SSE events per CPU-second of llmbench's client (every thread of this process) and of
//             llmbench-reference-client (the smallest fast curl-multi client: socket_action on
//             epoll), same simulator, same requests, rounds A B A B, best of each: their ratio;
//             llmbench's request start (µs: its own work + curl's, adding the transfer and
//             writing it to the socket) and heap allocations per request
//
//   syscalls  wall time of the system calls in a libcurl request start on this machine (poll,
//             epoll_ctl, a loopback send to a busy and to a sleeping peer)
//
//   llmbench-bench [--quick | --reference [STREAMS...] | --timing | --stagger | --streams10k |
//                   --writer | --decode | --syscalls | --ingest1]
#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "base/file_limit.hpp"
#include "bench/sim_child.hpp"
#include "gate/json_codec.hpp"
#include "load/load_generator.hpp"
#include "metrics/statistics.hpp"
#include "prompt/feed.hpp"
#include "prompt/synthesize.hpp"
#include "protocol/feed.hpp"
#include "protocol/protocol.hpp"
#include "protocol/sse_parser.hpp"

// Every heap allocation of this process, counted apart: C++'s (operator new: llmbench's own, and
// simdjson's and nlohmann's on its behalf) and curl's (its malloc hooks).
std::atomic<std::int64_t> g_allocations{0};
std::atomic<std::int64_t> g_curl_allocations{0};

// GCC cannot see that this operator new is malloc: its free-for-delete warning is a false one.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// The nothrow form too (simdjson allocates its parsers with it): otherwise its memory would come
// from the library's or the sanitizer's allocator and go back through the free() below.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace llmbench::bench {
namespace {

void* CountedMalloc(size_t n) {
  g_curl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n);
}
void* CountedRealloc(void* p, size_t n) {
  g_curl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, n);
}
char* CountedStrdup(const char* s) {
  g_curl_allocations.fetch_add(1, std::memory_order_relaxed);
  return strdup(s);
}
void* CountedCalloc(size_t n, size_t size) {
  g_curl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::calloc(n, size);
}

using namespace std::chrono_literals;

constexpr int kHarnessCpu = 0;
constexpr int kSimCpu = 1;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

scenario::SimSettings FastSim(Nanoseconds step, std::int64_t events_per_write) {
  scenario::SimSettings s;
  s.prefill_base = 1ms;
  s.prefill_per_token = 0ns;
  s.decode_step = step;
  s.decode_per_seq = 0ns;
  s.max_batch = 100'000;
  s.jitter = 0;
  s.events_per_write = events_per_write;
  return s;
}

// 64 input tokens, `tokens` output tokens, no spread.
scenario::PromptClass BenchClass(std::int64_t tokens) {
  scenario::PromptClass cls;
  cls.name = "bench";
  cls.input_tokens = 64;
  cls.input_stddev = 0;
  cls.output_tokens = tokens;
  cls.output_stddev = 0;
  return cls;
}

struct LevelRun {
  load::LevelOutcome outcome;
  std::vector<load::Record> records;  ///< kept only when asked (the timing phase reads them)
  double wall_s = 0;
  double cpu_s = 0;
  std::int64_t events = 0;
  std::int64_t errors = 0;
  // Heap allocations in the steady state: from the (2 × streams)th record on, when every slot
  // has sent and finished a request and its buffers have grown to their size.
  std::int64_t steady_requests = 0;
  std::int64_t steady_allocs = 0;       ///< C++'s (operator new)
  std::int64_t steady_curl_allocs = 0;  ///< curl's
};

// Runs `requests` requests of `tokens` output tokens with `streams` in flight against `port`,
// its prompts made as the level reaches them (as `llmbench run` does); counts events and
// errors, and keeps the records when `keep` (else hands each record's stamp buffer back for
// reuse, as the records writer does).
LevelRun Drive(std::uint16_t port, std::int64_t streams, std::int64_t requests, std::int64_t tokens, bool keep = false,
               Nanoseconds stagger = Nanoseconds(0)) {
  scenario::Load load;
  load.requests = requests;
  load.warmup = 0;
  load.timeout = 300s;
  load.max_retries = 0;
  load.stagger = stagger;
  load::Target target;
  target.url = fmt::format("http://127.0.0.1:{}/v1/chat/completions", port);
  target.protocol = "openai-chat";
  target.model = "bench";
  target.force_output_length = true;
  target.temperature = 0.0;
  prompt::Synthesizer synthesizer(BenchClass(tokens), 7, /*nonce=*/1);
  prompt::PromptFeed prompts(requests, [&] { return synthesizer.Next(); });
  load::LoadGenerator generator(target, load, fmt::format("b{}", streams));
  LevelRun run;
  std::int64_t seen = 0, allocs0 = 0, curl_allocs0 = 0;
  const double cpu0 = ThreadCpuSeconds();
  const auto wall0 = SteadyClock::now();
  run.outcome = generator.RunLevel(
      scenario::Level::Closed(streams), prompts,
      [&](load::Record& r) {
        if (++seen == 2 * streams) {
          allocs0 = g_allocations.load();
          curl_allocs0 = g_curl_allocations.load();
        }
        run.events += static_cast<std::int64_t>(r.chunk_ns.size());
        run.errors += r.error != load::ErrorKind::None;
        if (keep) {
          run.records.push_back(std::move(r));
        } else {
          r.chunk_ns.clear();
        }
      },
      nullptr);
  run.wall_s = std::chrono::duration<double>(SteadyClock::now() - wall0).count();
  run.cpu_s = ThreadCpuSeconds() - cpu0;
  if (seen > 2 * streams) {
    run.steady_requests = seen - 2 * streams;
    run.steady_allocs = g_allocations.load() - allocs0;
    run.steady_curl_allocs = g_curl_allocations.load() - curl_allocs0;
  }
  return run;
}

void Ingest(const std::vector<std::int64_t>& stream_counts, std::int64_t events_per_write, double seconds) {
  fmt::print("\ningest, {} SSE event(s) per socket write (simulator decode step 50 us)\n", events_per_write);
  fmt::print("{:>8} {:>12} {:>14} {:>16} {:>18} {:>8}\n", "streams", "events", "events/s", "CPU/event (us)",
             "events/CPU-second", "errors");
  for (const std::int64_t streams : stream_counts) {
    SimChild sim(FastSim(50us, events_per_write), "", kSimCpu);
    // Size the level for about `seconds` of simulator output at its measured pace (~1 M events/s).
    const std::int64_t tokens = 512;
    const std::int64_t requests = std::max<std::int64_t>(streams, static_cast<std::int64_t>(seconds * 1.5e6 / tokens));
    const LevelRun run = Drive(sim.port(), streams, requests, tokens);
    fmt::print("{:>8} {:>12} {:>14.0f} {:>16.3f} {:>18.0f} {:>8}\n", streams, run.events, run.events / run.wall_s,
               run.cpu_s / static_cast<double>(run.events) * 1e6, static_cast<double>(run.events) / run.cpu_s,
               run.errors);
  }
}

std::map<std::string, std::vector<std::int64_t>> ReadTruth(const std::string& path) {
  std::map<std::string, std::vector<std::int64_t>> truth;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    truth[j["request_id"].get<std::string>()] = j["chunk_ns"].get<std::vector<std::int64_t>>();
  }
  return truth;
}

void Timing(const std::vector<std::int64_t>& stream_counts, std::int64_t tokens, Nanoseconds stagger = Nanoseconds(0),
            Nanoseconds step = 20ms) {
  fmt::print("\ntiming, one event per stream every {} ms ({} tokens per request), against the truth log{}\n",
             step.count() / 1'000'000, tokens,
             stagger.count() > 0 ? fmt::format(", start staggered over {} ms", stagger.count() / 1'000'000) : "");
  fmt::print("{:>8} {:>10} {:>12} {:>8} {:>14} {:>14} {:>14} {:>14} {:>10}\n", "streams", "offered/s", "ingested/s",
             "errors", "|gap err| p50", "|gap err| p99", "lag p50", "lag p99", "CPU/event");
  fmt::print("{:>8} {:>10} {:>12} {:>8} {:>14} {:>14} {:>14} {:>14} {:>10}\n", "", "events", "events", "", "us", "us",
             "us", "us", "us");
  const std::string truth_path =
      (std::filesystem::temp_directory_path() / fmt::format("llmbench-bench-{}.jsonl", getpid())).string();
  for (const std::int64_t streams : stream_counts) {
    LevelRun run;
    {
      SimChild sim(FastSim(step, 1), truth_path, kSimCpu);
      run = Drive(sim.port(), streams, streams, tokens, /*keep=*/true, stagger);
    }
    const auto truth = ReadTruth(truth_path);
    std::vector<double> gap_error_us, lag_us;
    for (const auto& r : run.records) {
      const auto it = truth.find(r.request_id);
      if (r.error != load::ErrorKind::None || it == truth.end() || it->second.size() != r.chunk_ns.size()) continue;
      const auto& sent = it->second;
      for (std::size_t i = 0; i < sent.size(); ++i) {
        lag_us.push_back(static_cast<double>(r.chunk_ns[i] - sent[i]) / 1e3);
        if (i > 0) {
          const auto measured = r.chunk_ns[i] - r.chunk_ns[i - 1];
          const auto true_gap = sent[i] - sent[i - 1];
          gap_error_us.push_back(std::abs(static_cast<double>(measured - true_gap)) / 1e3);
        }
      }
    }
    // Ingest rate over the window where every stream was streaming: from the last first chunk
    // to the first last chunk (connection set-up and the tail excluded).
    std::int64_t window_start = 0, window_end = INT64_MAX, window_events = 0, first_chunk = INT64_MAX;
    for (const auto& r : run.records) {
      if (r.chunk_ns.empty()) continue;
      window_start = std::max(window_start, r.chunk_ns.front());
      window_end = std::min(window_end, r.chunk_ns.back());
      first_chunk = std::min(first_chunk, r.chunk_ns.front());
    }
    for (const auto& r : run.records) {
      for (const auto t : r.chunk_ns) window_events += t >= window_start && t <= window_end;
    }
    const double window_s = static_cast<double>(window_end - window_start) / 1e9;
    const auto gap = metrics::Describe(gap_error_us);
    const auto lag = metrics::Describe(lag_us);
    // No window when the streams never all ran at once (a simulator too slow to start them all).
    const std::string ingested =
        window_s > 0 ? fmt::format("{:.0f}", static_cast<double>(window_events) / window_s) : std::string("-");
    fmt::print("{:>8} {:>10} {:>12} {:>8} {:>14.1f} {:>14.1f} {:>14.1f} {:>14.1f} {:>10.3f}\n", streams,
               streams * 1'000'000'000 / step.count(), ingested, run.errors, gap.p50, gap.p99, lag.p50, lag.p99,
               run.cpu_s / static_cast<double>(run.events) * 1e6);
    if (window_s <= 0 && window_start > 0) {
      fmt::print("         (ingested/s: -, the streams never all ran at once: their first chunks came over {:.1f} s)\n",
                 static_cast<double>(window_start - first_chunk) / 1e9);
    }
  }
  std::filesystem::remove(truth_path);
}

// Peak resident set of this address space (VmHWM). Not getrusage's ru_maxrss: Linux carries
// that across execve, so a fresh exec would report its parent's peak.
long MaxRssKiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The memory workload itself; runs in a freshly exec'd process (see Memory).
int MemoryChild(std::int64_t requests, std::int64_t tokens) {
  PinToCpu(kHarnessCpu);
  const long before = MaxRssKiB();
  SimChild sim(FastSim(1ms, 16), "", kSimCpu);  // forked from a small process: its own RSS
  const LevelRun run = Drive(sim.port(), 256, requests, tokens);
  fmt::print("peak RSS {:.1f} MiB (at process start {:.1f} MiB), {} chunk stamps seen (none kept), {} errors\n",
             MaxRssKiB() / 1024.0, before / 1024.0, run.events, run.errors);
  return 0;
}

// CPU seconds of every thread of this process: user + system, and user alone.
struct CpuSeconds {
  double total = 0, user = 0;
};
CpuSeconds ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return {s(u.ru_utime) + s(u.ru_stime), s(u.ru_utime)};
}

// The reference client in a child process pinned to the harness's CPU; its own rusage.
struct ReferenceRun {
  std::int64_t events = 0, requests = 0, errors = 0;
  double cpu_s = 0, user_s = 0, wall_s = 0;
  double start_us = 0;  ///< per request: adding its handle and handing it to the socket (epoll loop)
};

ReferenceRun RunReference(std::uint16_t port, std::int64_t streams, std::int64_t requests, const std::string& body_path,
                          const char* loop) {
  const std::string out_path = body_path + ".out";
  // The reference client is built beside this binary.
  const std::string reference =
      (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "llmbench-reference-client").string();
  std::fflush(stdout);  // or the child would print what this process has buffered
  const pid_t pid = fork();
  if (pid == 0) {
    PinToCpu(kHarnessCpu);
    if (freopen(out_path.c_str(), "w", stdout) == nullptr) _exit(126);
    const std::string p = std::to_string(port), s = std::to_string(streams), r = std::to_string(requests);
    execl(reference.c_str(), "llmbench-reference-client", p.c_str(), s.c_str(), r.c_str(), body_path.c_str(), loop,
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ReferenceRun run;
  std::ifstream in(out_path);
  std::string key;
  while (in >> key) {
    if (key == "events") in >> run.events;
    if (key == "requests") in >> run.requests;
    if (key == "errors") in >> run.errors;
    if (key == "cpu_s") in >> run.cpu_s;
    if (key == "user_s") in >> run.user_s;
    if (key == "wall_s") in >> run.wall_s;
    if (key == "start_us") in >> run.start_us;
  }
  std::filesystem::remove(out_path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fmt::print("reference client failed (status {})\n", status);
  return run;
}

// llmbench's client against the reference client: the same requests (16 events per socket
// write, `tokens` output tokens) from the same simulator, in rounds A B A B (llmbench, then the
// reference on epoll: the yardstick), the least CPU of each; then the reference on
// curl_multi_perform (the loop of curl's examples) once, for scale. Events per CPU-second count
// the output tokens each received (one SSE event each). Also llmbench's request start (its loop
// thread's time from taking a free slot to the request being on the socket; its own part, and
// curl's from the start stamp on) beside the reference's (adding a handle and handing it over:
// curl's part alone, what any libcurl client pays), and llmbench's heap allocations per request
// (C++'s and curl's apart, over the whole level and in its steady state).
void Reference(const std::vector<std::int64_t>& stream_counts, double seconds, int rounds) {
  fmt::print(
      "\nreference, llmbench's client vs the smallest curl-multi client, 16 events per socket write, "
      "best of {} round(s)\n",
      rounds);
  fmt::print("{:>8} {:>9} {:>13} {:>13} {:>13} {:>7} {:>23} {:>28} {:>9} {:>24} {:>13}\n", "streams", "requests",
             "llmbench", "ref. epoll", "ref. perform", "ratio", "CPU/event l / e", "request start l", "start e",
             "allocations per request", "errors");
  fmt::print("{:>8} {:>9} {:>13} {:>13} {:>13} {:>7} {:>23} {:>28} {:>9} {:>24} {:>13}\n", "", "", "events/CPU-s",
             "events/CPU-s", "events/CPU-s", "l / e", "user+sys us", "mean = own + curl / max us", "mean us",
             "C++ + curl: all / steady", "l / e / p");
  const std::int64_t tokens = 512;
  const auto prompt = prompt::SynthesizePrompts(BenchClass(tokens), 1, 7, 1).front();
  protocol::GenerationRequest g;
  g.model = "bench";
  g.prompt = prompt.text;
  g.max_tokens = tokens;
  g.force_length = true;
  g.temperature = 0.0;
  const std::string body_path =
      (std::filesystem::temp_directory_path() / fmt::format("llmbench-reference-{}.json", getpid())).string();
  std::ofstream(body_path) << protocol::MakeProtocol("openai-chat")->BuildRequest(g).body;
  for (const std::int64_t streams : stream_counts) {
    const std::int64_t requests = std::max<std::int64_t>(streams, static_cast<std::int64_t>(seconds * 1.5e6 / tokens));
    LevelRun mine;
    CpuSeconds mine_cpu{1e9, 1e9};
    ReferenceRun ref{.cpu_s = 1e9}, perform;
    std::int64_t allocs = 0, curl_allocs = 0;
    for (int round = 0; round < rounds; ++round) {
      {
        SimChild sim(FastSim(50us, 16), "", kSimCpu);
        const CpuSeconds cpu0 = ProcessCpuSeconds();
        const std::int64_t allocs0 = g_allocations.load(), curl_allocs0 = g_curl_allocations.load();
        LevelRun run = Drive(sim.port(), streams, requests, tokens);
        const std::int64_t made = g_allocations.load() - allocs0;
        const std::int64_t curl_made = g_curl_allocations.load() - curl_allocs0;
        const CpuSeconds cpu1 = ProcessCpuSeconds();
        if (cpu1.total - cpu0.total < mine_cpu.total) {
          mine_cpu = {cpu1.total - cpu0.total, cpu1.user - cpu0.user};
          mine = std::move(run);
          allocs = made;
          curl_allocs = curl_made;
        }
      }
      {
        SimChild sim(FastSim(50us, 16), "", kSimCpu);
        ReferenceRun r = RunReference(sim.port(), streams, requests, body_path, "epoll");
        if (r.cpu_s < ref.cpu_s) ref = r;
      }
    }
    {
      SimChild sim(FastSim(50us, 16), "", kSimCpu);
      perform = RunReference(sim.port(), streams, requests, body_path, "perform");
    }
    const double received = static_cast<double>(requests * tokens);
    const auto rate = [&](const ReferenceRun& r) { return r.cpu_s > 0 ? received / r.cpu_s : 0.0; };
    const double mine_rate = received / mine_cpu.total, ref_rate = rate(ref);
    const auto us = [&](double cpu_s) { return cpu_s / received * 1e6; };
    const auto& o = mine.outcome;
    const auto PerStartUs = [&](std::int64_t ns) {
      return static_cast<double>(ns) / static_cast<double>(o.starts) / 1e3;
    };
    const auto per_request = [&](std::int64_t n) { return static_cast<double>(n) / static_cast<double>(requests); };
    const auto steady = [&](std::int64_t n) {
      return mine.steady_requests > 0 ? static_cast<double>(n) / static_cast<double>(mine.steady_requests) : 0.0;
    };
    fmt::print("{:>8} {:>9} {:>13.0f} {:>13.0f} {:>13.0f} {:>7.2f} {:>23} {:>28} {:>9.1f} {:>24} {:>13}\n", streams,
               requests, mine_rate, ref_rate, rate(perform), ref_rate > 0 ? mine_rate / ref_rate : 0.0,
               fmt::format("{:.3f}+{:.3f} / {:.3f}+{:.3f}", us(mine_cpu.user), us(mine_cpu.total - mine_cpu.user),
                           us(ref.user_s), us(ref.cpu_s - ref.user_s)),
               o.starts ? fmt::format("{:.1f} = {:.1f} + {:.1f} / {:.0f}", PerStartUs(o.start_ns_total),
                                      PerStartUs(o.start_ns_total - o.handover_ns_total),
                                      PerStartUs(o.handover_ns_total), static_cast<double>(o.start_ns_max) / 1e3)
                        : std::string("-"),
               ref.start_us,
               fmt::format("{:.1f}+{:.1f} / {:.1f}+{:.1f}", per_request(allocs), per_request(curl_allocs),
                           steady(mine.steady_allocs), steady(mine.steady_curl_allocs)),
               fmt::format("{} / {} / {}", mine.errors, ref.errors, perform.errors));
  }
  std::filesystem::remove(body_path);
}

// The records.jsonl writer's work per line, both ways, on `count` records of `tokens` stamps.
void Writer(std::int64_t count, std::int64_t tokens) {
  fmt::print("\nwriter, {} records.jsonl lines of {} chunk stamps, CPU on this thread\n", count, tokens);
  load::Record r;
  r.request_id = "bench-123-456";
  r.load_level = scenario::Level::Closed(256);
  r.start_ns = 1'000'000'000'000;
  for (std::int64_t i = 0; i < tokens; ++i) r.chunk_ns.push_back(r.start_ns + 5'000'000 + i * 1'234'567);
  r.done_ns = r.chunk_ns.back() + 1000;
  r.completion_tokens = tokens;
  r.prompt_tokens = 64;
  r.finish_reason = "length";
  std::size_t bytes = 0;
  std::string line;
  double best_direct = 1e9, best_dom = 1e9;
  for (int round = 0; round < 3; ++round) {  // A B A B A B, the best of each
    double t0 = ThreadCpuSeconds();
    for (std::int64_t i = 0; i < count; ++i) {
      line.clear();
      gate::AppendRecordLine(r, "bench/sim/c", 1, 1, line);
      bytes += line.size();
    }
    best_direct = std::min(best_direct, ThreadCpuSeconds() - t0);
    t0 = ThreadCpuSeconds();
    for (std::int64_t i = 0; i < count; ++i) {
      nlohmann::json j = gate::ToJson(r);
      j["case"] = "bench/sim/c";
      j["attempt"] = 1;
      j["repetition"] = 1;
      line = gate::DumpJson(j) + '\n';
      bytes += line.size();
    }
    best_dom = std::min(best_dom, ThreadCpuSeconds() - t0);
  }
  fmt::print(
      "straight to text {:.2f} us per line, JSON object + dump {:.2f} us per line: {:.2f}x less CPU ({} bytes "
      "a line)\n",
      best_direct / static_cast<double>(count) * 1e6, best_dom / static_cast<double>(count) * 1e6,
      best_dom / best_direct, line.size());
  (void)bytes;
}

// What this machine's kernel charges for the system calls in a libcurl request start: a
// zero-timeout poll of an idle connected socket (curl's liveness check of a reused connection,
// and its check for more input after a write), an epoll_ctl add + delete pair (the socket
// callback when a transfer starts and ends), a 650-byte send over loopback TCP (the request:
// on loopback the sender's call also runs the receiver's TCP path) to a peer that is busy, and
// to a peer asleep in epoll_wait on the other CPU (the send also wakes it), and clock_gettime
// for scale. Wall time per call on this thread, the best of 3 rounds.
void Syscalls(int calls) {
  fmt::print("\nsyscalls, wall time per call (best of 3 rounds of {} calls), harness on CPU {}\n", calls, kHarnessCpu);
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 1) != 0 || getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    fmt::print("cannot listen on 127.0.0.1: {}\n", std::strerror(errno));
    if (listener >= 0) close(listener);
    return;
  }
  const int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int server = client >= 0 && connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0
                         ? accept(listener, nullptr, nullptr)
                         : -1;
  if (server < 0) {
    fmt::print("cannot connect to 127.0.0.1: {}\n", std::strerror(errno));
    if (client >= 0) close(client);
    close(listener);
    return;
  }
  const int one = 1;
  setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const auto best_us = [&](const auto& call) {
    double best = 1e18;
    for (int round = 0; round < 3; ++round) {
      const std::int64_t t0 = NowNs();
      for (int i = 0; i < calls; ++i) call(i);
      best = std::min(best, static_cast<double>(NowNs() - t0) / calls);
    }
    return best / 1e3;
  };
  std::array<char, 650> request{};
  request.fill('x');
  std::vector<char> sink(1 << 20);
  const double clock_us = best_us([](int) { return NowNs(); });
  const double poll_us = best_us([&](int) {
    pollfd p{client, POLLIN, 0};
    return poll(&p, 1, 0);
  });
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  const double epoll_us = best_us([&](int) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_ADD, client, &ev);
    epoll_ctl(ep, EPOLL_CTL_DEL, client, nullptr);
  });
  const double send_us = best_us([&](int i) {
    send(client, request.data(), request.size(), MSG_NOSIGNAL);
    if (i % 64 == 63)
      while (recv(server, sink.data(), sink.size(), MSG_DONTWAIT) > 0) {
      }
  });
  while (recv(server, sink.data(), sink.size(), MSG_DONTWAIT) > 0) {
  }
  // A peer asleep on the other CPU: each send wakes it; 200 us apart, so it is asleep again.
  std::atomic<bool> stop{false};
  std::thread peer([&] {
    PinToCpu(kSimCpu);
    const int pe = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    epoll_ctl(pe, EPOLL_CTL_ADD, server, &ev);
    while (!stop.load()) {
      epoll_event got{};
      if (epoll_wait(pe, &got, 1, 50) > 0)
        while (recv(server, sink.data(), sink.size(), MSG_DONTWAIT) > 0) {
        }
    }
    close(pe);
  });
  const int wake_calls = std::max(1, calls / 50);
  double wake_best = 1e18;
  for (int round = 0; round < 3; ++round) {
    std::int64_t total = 0;
    for (int i = 0; i < wake_calls; ++i) {
      std::this_thread::sleep_for(200us);
      const std::int64_t t0 = NowNs();
      send(client, request.data(), request.size(), MSG_NOSIGNAL);
      total += NowNs() - t0;
    }
    wake_best = std::min(wake_best, static_cast<double>(total) / wake_calls);
  }
  stop = true;
  peer.join();
  fmt::print(
      "clock_gettime {:.3f} us, poll (0 timeout) {:.2f} us, epoll_ctl add + delete {:.2f} us, send 650 B to "
      "a busy peer {:.2f} us, to a peer asleep on the other CPU {:.2f} us ({} sends)\n",
      clock_us, poll_us, epoll_us, send_us, wake_best / 1e3, wake_calls);
  close(ep);
  close(client);
  close(server);
  close(listener);
}

// The per-event work of llmbench's receive path alone (SSE framing + the openai-chat decoder, as
// OnBody does it), on the simulator's chunks, 16 events per feed; beside it the reference
// client's per-event work (counting blank lines with memchr). Best of 5 rounds each, this thread.
void DecodeCost(std::int64_t events) {
  fmt::print("\ndecode, {} openai-chat chunks fed 16 at a time, CPU on this thread\n", events);
  std::string write;
  for (int i = 0; i < 16; ++i) {
    write += fmt::format(
        "data: {{\"id\":\"sim-35154\",\"object\":\"chat.completion.chunk\",\"model\":\"bench\",\"choices\":[{{"
        "\"index\":0,\"delta\":{{\"content\":\" w{}\"}},\"finish_reason\":null}}]}}\n\n",
        i);
  }
  const auto decoder = protocol::MakeProtocol("openai-chat");
  protocol::SseParser parser;
  protocol::StreamTally tally;
  std::vector<std::int64_t> stamps;
  stamps.reserve(static_cast<std::size_t>(events) + 16);
  double best_mine = 1e9, best_ref = 1e9;
  long long blank_lines = 0;
  for (int round = 0; round < 5; ++round) {
    stamps.clear();
    tally = {};
    double t0 = ThreadCpuSeconds();
    for (std::int64_t n = 0; n < events; n += 16) {
      protocol::FeedAndDecode(parser, *decoder, write, tally, [&] { stamps.push_back(n); });
    }
    best_mine = std::min(best_mine, ThreadCpuSeconds() - t0);
    t0 = ThreadCpuSeconds();
    for (std::int64_t n = 0; n < events; n += 16) {
      const char* p = write.data();
      const char* end = p + write.size();
      while (const void* hit = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
        const char* nl = static_cast<const char*>(hit);
        blank_lines += nl + 1 < end && nl[1] == '\n';
        p = nl + 1;
      }
    }
    best_ref = std::min(best_ref, ThreadCpuSeconds() - t0);
  }
  const double n = static_cast<double>(events);
  fmt::print(
      "framing + decoding {:.1f} ns per event ({} text events), the reference's scan {:.1f} ns per event ({} events)\n",
      best_mine / n * 1e9, stamps.size(), best_ref / n * 1e9, blank_lines / 5);
}

// Peak memory must be the workload's alone: a forked child would inherit the parent's pages
// (its heap after the earlier phases), so exec a fresh copy of this binary.
void Memory(std::int64_t requests, std::int64_t tokens) {
  fmt::print("\nmemory, {} recorded requests of {} output tokens (256 in flight), fresh process\n", requests, tokens);
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string r = std::to_string(requests), t = std::to_string(tokens);
    execl("/proc/self/exe", "llmbench-bench", "--memory-child", r.c_str(), t.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fmt::print("memory run failed\n");
}

}  // namespace
}  // namespace llmbench::bench

int main(int argc, char** argv) {
  using namespace llmbench::bench;
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool quick = mode == "--quick";
  llmbench::RaiseFileLimit();  // 10,000 streams need 10,000 descriptors here, and as many in the simulator child
  // Before anything else uses curl: count its allocations too.
  curl_global_init_mem(CURL_GLOBAL_DEFAULT, CountedMalloc, std::free, CountedRealloc, CountedStrdup, CountedCalloc);
  if (mode == "--memory-child" && argc == 4) return MemoryChild(std::stoll(argv[2]), std::stoll(argv[3]));
  if (mode == "--timing") {  // profiling aid: only the timing phase
    PinToCpu(kHarnessCpu);
    Timing({64, 256, 1024}, 256);
    return 0;
  }
  if (mode == "--stagger") {  // 1,024 streams started together, then spread over 1 s
    PinToCpu(kHarnessCpu);
    Timing({1024}, 256);
    Timing({1024}, 256, std::chrono::seconds(1));
    return 0;
  }
  if (mode == "--streams10k") {  // 10,000 streams from this one process, started together, then over 5 s
    PinToCpu(kHarnessCpu);
    Timing({10'000}, 16, llmbench::Nanoseconds(0), 1s);
    Timing({10'000}, 16, std::chrono::seconds(5), 1s);
    return 0;
  }
  if (mode == "--ingest1") {  // profiling aid: only the one-event-per-write ingest
    PinToCpu(kHarnessCpu);
    Ingest({256}, 1, 2.0);
    return 0;
  }
  if (!PinToCpu(kHarnessCpu)) fmt::print("note: could not pin the harness to CPU {}\n", kHarnessCpu);
  fmt::print("llmbench-bench{}: harness on CPU {}, simulator (child process) on CPU {}\n", quick ? " --quick" : "",
             kHarnessCpu, kSimCpu);
  if (quick) {
    Ingest({16}, 16, 0.3);
    Timing({16}, 16);
    Memory(500, 64);
    Writer(200, 256);
    DecodeCost(16'000);
    Syscalls(2'000);
    Reference({16}, 0.2, 1);
    return 0;
  }
  if (mode == "--reference") {  // optionally followed by the stream counts, e.g. --reference 256
    PinToCpu(kHarnessCpu);
    std::vector<std::int64_t> streams;
    for (int i = 2; i < argc; ++i) streams.push_back(std::stoll(argv[i]));
    Reference(streams.empty() ? std::vector<std::int64_t>{16, 256, 1024} : streams, 2.0, 3);
    return 0;
  }
  if (mode == "--reference-small") {  // profiling aid (e.g. under callgrind): one round of a tenth of the size
    std::vector<std::int64_t> streams;
    for (int i = 2; i < argc; ++i) streams.push_back(std::stoll(argv[i]));
    Reference(streams.empty() ? std::vector<std::int64_t>{256} : streams, 0.2, 1);
    return 0;
  }
  if (mode == "--syscalls") {
    PinToCpu(kHarnessCpu);
    Syscalls(200'000);
    return 0;
  }
  if (mode == "--decode") {
    PinToCpu(kHarnessCpu);
    DecodeCost(2'000'000);
    return 0;
  }
  if (mode == "--writer") {
    PinToCpu(kHarnessCpu);
    Writer(20'000, 256);
    return 0;
  }
  Ingest({1, 16, 64, 256, 1024}, 16, 2.0);
  Ingest({16, 256}, 1, 2.0);
  Timing({1, 64, 256, 1024}, 256);
  Timing({1024}, 256, std::chrono::seconds(1));
  Memory(10'000, 256);
  Writer(20'000, 256);
  DecodeCost(2'000'000);
  Syscalls(200'000);
  Reference({16, 256, 1024}, 2.0, 3);
  return 0;
}
