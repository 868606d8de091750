// llmbench-reference-client: the smallest fast streaming client one can write with libcurl's
// multi interface, the yardstick for llmbench's own client (llmbench-bench's "reference" phase).
// One thread, STREAMS easy handles reused for REQUESTS POSTs of the body in BODY_FILE to
// http://127.0.0.1:PORT/v1/chat/completions; its write callback only counts SSE events (the
// blank lines that end them, found with memchr). No timestamps, no decoding, no records: what
// llmbench does beyond this is what its ratio to this client pays for.
//
// LOOP picks the event loop:
//   epoll    curl_multi_socket_action on epoll, curl's timer on a timerfd (the default: the
//            fastest loop libcurl offers, and the one llmbench itself uses)
//   perform  curl_multi_perform / curl_multi_poll, the loop of curl's examples
//
//   llmbench-reference-client PORT STREAMS REQUESTS BODY_FILE [epoll|perform]
// prints: events <n> requests <n> errors <n> cpu_s <s> user_s <s> wall_s <s> start_us <us> (cpu_s: user +
// system; start_us, epoll loop only: per request, the time in adding its handle and in the
// socket_action call that hands the added requests to their sockets: what any libcurl client's
// request start costs, beside llmbench's own figure)
#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Stream {
  CURL* easy = nullptr;
  long long events = 0;
  bool last_newline = false;  // the previous write ended in '\n', for a "\n\n" split across writes
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Stream*>(user);
  const size_t bytes = size * n;
  if (bytes == 0) return 0;
  const char* p = data;
  const char* end = data + bytes;
  if (s->last_newline && *p == '\n') ++s->events;
  while (const void* hit = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
    const char* nl = static_cast<const char*>(hit);
    if (nl + 1 < end && nl[1] == '\n') {
      ++s->events;
      p = nl + 2;
    } else {
      p = nl + 1;
    }
  }
  s->last_newline = end[-1] == '\n';
  return bytes;
}

long long NowNs() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<long long>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

struct Loop {
  CURLM* multi = nullptr;
  int epoll_fd = -1;
  int timer_fd = -1;
  bool timeout_due = false;
};

int OnSocket(CURL*, curl_socket_t s, int what, void* user, void* socket_data) {
  auto* loop = static_cast<Loop*>(user);
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, s, nullptr);
    return 0;
  }
  epoll_event ev{};
  ev.data.fd = s;
  ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  if (socket_data != nullptr) {
    epoll_ctl(loop->epoll_fd, EPOLL_CTL_MOD, s, &ev);
  } else {
    epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, s, &ev);
    curl_multi_assign(loop->multi, s, loop);  // non-null: "already in the epoll set"
  }
  return 0;
}

int OnTimer(CURLM*, long timeout_ms, void* user) {
  auto* loop = static_cast<Loop*>(user);
  itimerspec spec{};
  loop->timeout_due = timeout_ms == 0;
  if (timeout_ms > 0) {
    spec.it_value.tv_sec = timeout_ms / 1000;
    spec.it_value.tv_nsec = (timeout_ms % 1000) * 1'000'000;
  }
  timerfd_settime(loop->timer_fd, 0, &spec, nullptr);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: %s PORT STREAMS REQUESTS BODY_FILE [epoll|perform]\n", argv[0]);
    return 2;
  }
  const std::string url = std::string("http://127.0.0.1:") + argv[1] + "/v1/chat/completions";
  const long streams = std::stol(argv[2]), requests = std::stol(argv[3]);
  const std::string mode = argc == 6 ? argv[5] : "epoll";
  std::ifstream in(argv[4]);
  std::stringstream body_text;
  body_text << in.rdbuf();
  const std::string body = body_text.str();
  if (body.empty() || streams < 1 || requests < 1 || (mode != "epoll" && mode != "perform")) {
    std::fprintf(stderr, "nothing to send, or an unknown loop\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Loop loop;
  loop.multi = curl_multi_init();
  const bool epoll = mode == "epoll";
  if (epoll) {
    loop.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    loop.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = loop.timer_fd;
    epoll_ctl(loop.epoll_fd, EPOLL_CTL_ADD, loop.timer_fd, &ev);
    curl_multi_setopt(loop.multi, CURLMOPT_SOCKETFUNCTION, OnSocket);
    curl_multi_setopt(loop.multi, CURLMOPT_SOCKETDATA, &loop);
    curl_multi_setopt(loop.multi, CURLMOPT_TIMERFUNCTION, OnTimer);
    curl_multi_setopt(loop.multi, CURLMOPT_TIMERDATA, &loop);
  }
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  std::vector<Stream> slots(static_cast<size_t>(streams));
  long sent = 0, done = 0, errors = 0;
  long long start_ns = 0;  // time spent starting requests: adding handles, handing them over
  const auto start = [&](Stream& s) {
    const long long t0 = NowNs();
    curl_multi_remove_handle(loop.multi, s.easy);
    s.last_newline = false;
    curl_multi_add_handle(loop.multi, s.easy);
    ++sent;
    start_ns += NowNs() - t0;
  };
  const auto drain = [&] {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(loop.multi, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      ++done;
      long status = 0;
      curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      if (m->data.result != CURLE_OK || status != 200) ++errors;
      Stream* s = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&s));
      if (sent < requests) {
        start(*s);
      } else {
        curl_multi_remove_handle(loop.multi, s->easy);
      }
    }
  };
  timespec w0{};
  clock_gettime(CLOCK_MONOTONIC, &w0);
  rusage r0{};
  getrusage(RUSAGE_SELF, &r0);
  for (auto& s : slots) {
    s.easy = curl_easy_init();
    curl_easy_setopt(s.easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(s.easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(s.easy, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(s.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(s.easy, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(s.easy, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(s.easy, CURLOPT_PRIVATE, &s);
    curl_easy_setopt(s.easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(s.easy, CURLOPT_NOSIGNAL, 1L);  // no sigaction pair around every call
    if (sent < requests) start(s);
  }
  if (epoll) {
    std::vector<epoll_event> events(256);
    int running = 0;
    while (done < requests) {
      if (loop.timeout_due) {  // curl's "at once" after adding handles: the hand-over
        loop.timeout_due = false;
        const long long t0 = NowNs();
        curl_multi_socket_action(loop.multi, CURL_SOCKET_TIMEOUT, 0, &running);
        start_ns += NowNs() - t0;
        drain();
        continue;
      }
      const int n = epoll_wait(loop.epoll_fd, events.data(), static_cast<int>(events.size()), 100);
      for (int i = 0; i < n; ++i) {
        const epoll_event& e = events[static_cast<size_t>(i)];
        if (e.data.fd == loop.timer_fd) {
          uint64_t expirations = 0;
          [[maybe_unused]] auto r = read(loop.timer_fd, &expirations, sizeof expirations);
          curl_multi_socket_action(loop.multi, CURL_SOCKET_TIMEOUT, 0, &running);
        } else {
          const int mask = ((e.events & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                           ((e.events & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                           ((e.events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
          curl_multi_socket_action(loop.multi, e.data.fd, mask, &running);
        }
      }
      drain();
    }
  } else {
    int running = 1;
    while (done < requests) {
      curl_multi_perform(loop.multi, &running);
      drain();
      if (done < requests) curl_multi_poll(loop.multi, nullptr, 0, 100, nullptr);
    }
  }
  rusage r1{};
  getrusage(RUSAGE_SELF, &r1);
  timespec w1{};
  clock_gettime(CLOCK_MONOTONIC, &w1);
  long long events = 0;
  for (auto& s : slots) {
    events += s.events;
    curl_easy_cleanup(s.easy);
  }
  const double cpu = Seconds(r1.ru_utime) - Seconds(r0.ru_utime) + Seconds(r1.ru_stime) - Seconds(r0.ru_stime);
  const double wall = static_cast<double>(w1.tv_sec - w0.tv_sec) + static_cast<double>(w1.tv_nsec - w0.tv_nsec) / 1e9;
  const double user = Seconds(r1.ru_utime) - Seconds(r0.ru_utime);
  std::printf("events %lld requests %ld errors %ld cpu_s %.6f user_s %.6f wall_s %.6f start_us %.3f\n", events, done,
              errors, cpu, user, wall,
              epoll && sent > 0 ? static_cast<double>(start_ns) / 1e3 / static_cast<double>(sent) : 0.0);
  curl_slist_free_all(headers);
  curl_multi_cleanup(loop.multi);
  if (epoll) {
    close(loop.epoll_fd);
    close(loop.timer_fd);
  }
  curl_global_cleanup();
  return 0;
}
