#include "client/stream_client.hpp"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "protocol/feed.hpp"

namespace llmbench::client {
namespace {

constexpr std::size_t kErrorBodyLimit = 1024;

struct GlobalInit {
  GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// A non-negative decimal number of units of `unit_ns` nanoseconds; -1 if it is not one (an
// HTTP-date Retry-After is not honoured: the exponential backoff applies then).
std::int64_t ParseNs(std::string_view s, double unit_ns) {
  double v = -1;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && v >= 0 ? static_cast<std::int64_t>(v * unit_ns) : -1;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const std::string_view line(data, size * count);
  if (x.first_byte_ns == 0) x.first_byte_ns = NowNs();
  if (line.rfind("HTTP/", 0) == 0) {
    const auto space = line.find(' ');
    if (space != std::string_view::npos) {
      long status = 0;
      std::from_chars(line.data() + space + 1, line.data() + line.size(), status);
      x.http_status = status;
    }
    return line.size();
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = Trim(line.substr(colon + 1));
  if (StartsWithNoCase(name, "retry-after-ms") && name.size() == 14) {
    x.retry_after_ns = ParseNs(value, 1e6);
  } else if (StartsWithNoCase(name, "retry-after") && name.size() == 11 && x.retry_after_ns < 0) {
    x.retry_after_ns = ParseNs(value, 1e9);
  }
  x.decoder->OnHeader(name, value, x.tally);
  return line.size();
}

// The hot path: bytes → SSE framer → decoder → one stamp per text event. No allocation in the
// steady state, no formatting, no locks. The stamp is taken here, as curl hands over what it has
// just read: not when the loop called curl, because one call may read many transfers' sockets
// (those whose timers are due too), milliseconds apart at hundreds of streams (a stamp taken
// before the call put chunks up to 4 ms before the simulator sent them, 2026-12-07).
size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  if (x.http_status < 200 || x.http_status >= 300) {
    x.error_body.append(data, std::min(n, kErrorBodyLimit - std::min(kErrorBodyLimit, x.error_body.size())));
    return n;
  }
  const std::int64_t stamp = NowNs();
  x.done_ns = stamp;  // the latest bytes; Finish keeps it when the transfer ends well
  protocol::FeedAndDecode(x.parser, *x.decoder, std::string_view(data, n), x.tally,
                          [&] { x.chunk_ns.push_back(stamp); });
  return n;
}

Transport Classify(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return Transport::Ok;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
      return Transport::Connect;
    case CURLE_OPERATION_TIMEDOUT:
      return Transport::Timeout;
    default:
      return Transport::Broken;
  }
}

}  // namespace

void Exchange::ResetResponse() {
  start_ns = first_byte_ns = done_ns = 0;
  chunk_ns.clear();
  tally = {};
  http_status = 0;
  transport = Transport::Ok;
  transport_error.clear();
  error_body.clear();
  retry_after_ns = connect_ns = -1;  // the parser is reset by StreamClient::Start, with the decoder's framing
}

// libcurl 7.88's work per transfer start grows with the connections its multi handle holds (a
// walk over its connection cache): measured on this VM, 2026-12-07, a start took 30 µs at 16
// connections, 80 µs at 1,024 and 530 µs at 10,000. So the transfers are spread over several
// multi handles ("shards") of at most this many easy handles each, all on the one epoll loop
// and the one timerfd. An exchange keeps its handle, and so its shard and connection. With 64,
// 10,000 streams started together were stamped within 5 ms of the truth at p99 (1 s before).
constexpr std::size_t kHandlesPerShard = 64;
// How long a request may take to get its connection (TCP, TLS) before it fails as a connect
// error; the request's own timeout applies when it is shorter.
constexpr std::int64_t kConnectLimitNs = 10'000'000'000;
// The epoll tag of the timerfd; a socket's tag is its shard's index (high 32 bits) and its fd.
constexpr std::uint64_t kTimerTag = ~std::uint64_t{0};

struct StreamClient::Impl {
  // One multi handle and curl's timer for it.
  struct Shard {
    Impl* owner = nullptr;
    CURLM* multi = nullptr;
    std::uint32_t index = 0;
    bool timeout_due = false;       ///< curl asked to be called at once (a timeout of 0); in `due`
    bool touched = false;           ///< curl acted on it since its messages were last read; in `touched`
    std::int64_t timer_due_ns = 0;  ///< when curl wants its timeout handled (monotonic); 0 = never
  };

  explicit Impl(OnComplete cb) : on_complete(std::move(cb)) {
    static GlobalInit init;
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (epoll_fd < 0 || timer_fd < 0) throw std::runtime_error("cannot create the curl event loop");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kTimerTag;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, timer_fd, &ev);
  }

  ~Impl() {
    for (const auto& h : handles) curl_easy_cleanup(h->easy);
    for (const auto& shard : shards) curl_multi_cleanup(shard->multi);
    close(epoll_fd);
    close(timer_fd);
  }

  Shard& AddShard() {
    auto shard = std::make_unique<Shard>();
    shard->owner = this;
    shard->index = static_cast<std::uint32_t>(shards.size());
    shard->multi = curl_multi_init();
    if (shard->multi == nullptr) throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(shard->multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(shard->multi, CURLMOPT_SOCKETDATA, shard.get());
    curl_multi_setopt(shard->multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(shard->multi, CURLMOPT_TIMERDATA, shard.get());
    curl_multi_setopt(shard->multi, CURLMOPT_MAXCONNECTS, 100000L);  // keep every idle connection for reuse
    return *shards.emplace_back(std::move(shard));
  }

  // Every system call here costs microseconds (more in a VM), once or more per request: a
  // socket curl watches for the first time is added (curl_multi_assign marks it), a known one
  // modified, without a failed attempt first.
  static int OnSocket(CURL*, curl_socket_t s, int what, void* user, void* socket_data) {
    auto* shard = static_cast<Shard*>(user);
    const int epoll_fd = shard->owner->epoll_fd;
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, s, nullptr);
      return 0;
    }
    epoll_event ev{};
    ev.data.u64 = (std::uint64_t{shard->index} << 32) | static_cast<std::uint32_t>(s);
    ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    if (socket_data != nullptr) {
      epoll_ctl(epoll_fd, EPOLL_CTL_MOD, s, &ev);
      return 0;
    }
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, s, &ev) != 0 && errno == EEXIST) epoll_ctl(epoll_fd, EPOLL_CTL_MOD, s, &ev);
    curl_multi_assign(shard->multi, s, shard);
    return 0;
  }

  // curl's timer for one shard. "Now" (0) needs no timer: the loop acts at once (timeout_due).
  // "None" (-1) only clears the shard's deadline: a timerfd that fires for nothing is harmless.
  // The timerfd is re-armed only when a deadline comes before the one it is set for.
  static int OnTimer(CURLM*, long timeout_ms, void* user) {
    auto* shard = static_cast<Shard*>(user);
    if (timeout_ms == 0) {
      if (!shard->timeout_due) shard->owner->due.push_back(shard);
      shard->timeout_due = true;
      return 0;
    }
    shard->timeout_due = false;
    shard->timer_due_ns = timeout_ms < 0 ? 0 : NowNs() + std::int64_t{timeout_ms} * 1'000'000;
    if (shard->timer_due_ns > 0) shard->owner->Arm(shard->timer_due_ns);
    return 0;
  }

  void Arm(std::int64_t due_ns) {
    if (armed_ns != 0 && armed_ns <= due_ns) return;
    armed_ns = due_ns;
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(due_ns / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(due_ns % 1'000'000'000);
    timerfd_settime(timer_fd, TFD_TIMER_ABSTIME, &spec, nullptr);
  }

  // The timerfd fired: every shard whose deadline has come gets curl's timeout handling, and
  // every request past its deadline fails; the timerfd is then set for the earliest deadline left.
  void OnTimerFd() {
    std::uint64_t expirations = 0;
    [[maybe_unused]] auto r = read(timer_fd, &expirations, sizeof expirations);
    armed_ns = 0;
    const std::int64_t now = NowNs();
    for (const auto& shard : shards) {
      if (shard->timer_due_ns == 0 || shard->timer_due_ns > now) continue;
      shard->timer_due_ns = 0;
      Action(*shard, CURL_SOCKET_TIMEOUT, 0);
    }
    if (next_deadline_ns != 0 && next_deadline_ns <= now) ExpireRequests(now);
    for (const auto& shard : shards)
      if (shard->timer_due_ns > 0) Arm(shard->timer_due_ns);
    if (next_deadline_ns != 0) Arm(next_deadline_ns);
  }

  void Action(Shard& shard, curl_socket_t socket, int flags) {
    int running = 0;
    curl_multi_socket_action(shard.multi, socket, flags, &running);
    if (!shard.touched) {
      shard.touched = true;
      touched.push_back(&shard);
    }
  }

  // Calls the shards whose curl asked to be called at once (a shard asking again meanwhile is
  // called on the next Poll).
  void RunDueTimeouts() {
    running_due.swap(due);
    for (Shard* shard : running_due) {
      if (!shard->timeout_due) continue;  // a start or a later timer took it back
      shard->timeout_due = false;
      Action(*shard, CURL_SOCKET_TIMEOUT, 0);
    }
    running_due.clear();
  }
  bool AnyTimeoutDue() const {
    return std::any_of(due.begin(), due.end(), [](const Shard* shard) { return shard->timeout_due; });
  }

  // Reads the finished transfers of the shards curl acted on. A completion may start the next
  // request, and so touch a shard again (the one being read included): it is appended, and read
  // in this same pass.
  /// Completes a transfer: curl's result `code`, with `why` as its message when not curl's own.
  void Finish(Shard& shard, CURL* easy, CURLcode code, const char* why = nullptr);
  void DrainCompleted() {
    for (std::size_t i = 0; i < touched.size(); ++i) {
      Shard& shard = *touched[i];
      shard.touched = false;
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(shard.multi, &left)) {
        if (msg->msg == CURLMSG_DONE) Finish(shard, msg->easy_handle, msg->data.result);
      }
    }
    touched.clear();
  }

  // A transfer handle and what was last set on it. An exchange keeps its handle from one request
  // to the next, so a start sets only the body, the header list (nodes that point at the
  // exchange's header strings: no copy) and whatever changed.
  struct Handle {
    CURL* easy = nullptr;
    Shard* shard = nullptr;
    std::size_t index = 0;  ///< in `handles` and `deadline_ns`
    std::vector<curl_slist> header_nodes;
    std::string url;
    std::int64_t timeout_ns = 0;  ///< the running request's: it must end by start_ns + this
    std::int64_t start_ns = 0;
    bool connected = false;  ///< the running request has its connection (curl called OnConnected)
  };
  Handle& HandleFor(Exchange& x);

  // Request deadlines are kept here, not given to curl (CURLOPT_TIMEOUT_MS,
  // CURLOPT_CONNECTTIMEOUT_MS): curl keeps a running transfer's timeout in its multi handle's
  // splay tree of timers, and then re-sorts that tree on every socket event. With 64 transfers
  // per multi handle that cost 10 % more instructions per event in libcurl, and 13 % more CPU per
  // event in all, at 256 streams (callgrind and llmbench-bench --reference, 2026-12-08). Here a
  // request's deadline is one store at its start and one when it ends, and the list is scanned
  // only when its earliest deadline may have come.
  void SetDeadline(Handle& h, std::int64_t due_ns) {
    deadline_ns[h.index] = due_ns;
    if (next_deadline_ns == 0 || due_ns < next_deadline_ns) {
      next_deadline_ns = due_ns;
      Arm(due_ns);
    }
  }
  // curl has the request's connection (made, or reused) and is about to send it: from here on
  // only the request's own timeout applies. A later deadline needs no timer: a scan that finds
  // nothing due sets the next one.
  static int OnConnected(void* user, char*, char*, int, int) {
    auto& h = *static_cast<Handle*>(user);
    h.connected = true;
    h.shard->owner->deadline_ns[h.index] = h.start_ns + h.timeout_ns;
    return CURL_PREREQFUNC_OK;
  }
  void ExpireRequests(std::int64_t now);

  OnComplete on_complete;
  const std::uint64_t id = NextId();
  int epoll_fd = -1;
  int timer_fd = -1;
  std::int64_t armed_ns = 0;  ///< when the timerfd fires (monotonic); 0 = not armed
  std::int64_t in_flight = 0;
  std::vector<std::unique_ptr<Shard>> shards;
  // Only the shards with work are visited per Poll (at 10,000 streams there are 157 shards).
  std::vector<Shard*> due;                       ///< shards whose curl asked to be called at once
  std::vector<Shard*> running_due;               ///< `due` being called (swapped, so that no call allocates)
  std::vector<Shard*> touched;                   ///< shards curl acted on since their messages were read
  std::vector<std::unique_ptr<Handle>> handles;  ///< every handle made, for cleanup
  std::vector<std::int64_t> deadline_ns;         ///< per handle: its running request's deadline; 0 = none
  std::int64_t next_deadline_ns = 0;  ///< no deadline comes before this (it may be past one that ended); 0 = none
  std::vector<std::size_t> expired;   ///< ExpireRequests' list (kept: no allocation per call)

  static std::uint64_t NextId() {
    static std::atomic<std::uint64_t> next{1};
    return next++;
  }
};

StreamClient::Impl::Handle& StreamClient::Impl::HandleFor(Exchange& x) {
  if (x.handle != nullptr && x.client_id == id) return *static_cast<Handle*>(x.handle);
  auto& h = *handles.emplace_back(std::make_unique<Handle>());
  h.index = handles.size() - 1;
  deadline_ns.push_back(0);
  // Handles are never dropped, so every shard but the last is full.
  h.shard = (handles.size() - 1) % kHandlesPerShard == 0 ? &AddShard() : shards.back().get();
  h.easy = curl_easy_init();
  if (h.easy == nullptr) throw std::runtime_error("curl_easy_init failed");
  curl_easy_setopt(h.easy, CURLOPT_POST, 1L);
  curl_easy_setopt(h.easy, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h.easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h.easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h.easy, CURLOPT_PREREQFUNCTION, &Impl::OnConnected);
  curl_easy_setopt(h.easy, CURLOPT_PREREQDATA, &h);
  curl_easy_setopt(h.easy, CURLOPT_BUFFERSIZE, 65536L);
  x.handle = &h;
  x.client_id = id;
  return h;
}

void StreamClient::Impl::Finish(Shard& shard, CURL* easy, CURLcode code, const char* why) {
  Exchange* x = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, reinterpret_cast<char**>(&x));
  deadline_ns[static_cast<Handle*>(x->handle)->index] = 0;
  if (code != CURLE_OK || x->done_ns == 0) x->done_ns = NowNs();  // else: its last bytes' arrival
  x->transport = Classify(code);
  if (code != CURLE_OK) x->transport_error = why != nullptr ? why : curl_easy_strerror(code);
  curl_off_t connect_us = 0, app_connect_us = 0;
  curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &app_connect_us);
  x->connect_ns = std::max(connect_us, app_connect_us) * 1000;
  if (x->http_status >= 200 && x->http_status < 300) {
    // An event the close cut off from its blank line is still an event; a cut inside its JSON
    // shows up as a malformed event.
    x->parser.Finish([&](const protocol::SseEvent& e) {
      if (x->decoder->Decode(e, x->tally) == protocol::EventKind::Text) x->chunk_ns.push_back(x->done_ns);
    });
  }
  curl_multi_remove_handle(shard.multi, easy);  // the exchange keeps it for its next request
  --in_flight;
  on_complete(*x);
}

// Fails every request past its deadline, as curl would have: the transfer is taken off its multi
// handle (which closes its connection) and completes with what it received so far. Transfers
// that finished meanwhile complete first, as they are.
void StreamClient::Impl::ExpireRequests(std::int64_t now) {
  DrainCompleted();
  expired.clear();
  for (std::size_t i = 0; i < deadline_ns.size(); ++i)
    if (deadline_ns[i] != 0 && deadline_ns[i] <= now) expired.push_back(i);
  for (const std::size_t i : expired) {
    if (deadline_ns[i] == 0 || deadline_ns[i] > now) continue;  // an earlier completion started it anew
    Handle& h = *handles[i];
    // curl's own code for a timeout (a connect that took too long is a connect error).
    const CURLcode code = h.connected ? CURLE_OPERATION_TIMEDOUT : CURLE_COULDNT_CONNECT;
    const std::string why =
        h.connected ? fmt::format("no complete response within the request's timeout ({} ms)", h.timeout_ns / 1'000'000)
                    : fmt::format("no connection within {} ms", (deadline_ns[i] - h.start_ns) / 1'000'000);
    Finish(*h.shard, h.easy, code, why.c_str());
  }
  std::int64_t next = 0;
  for (const std::int64_t due_ns : deadline_ns)
    if (due_ns != 0 && (next == 0 || due_ns < next)) next = due_ns;
  next_deadline_ns = next;
}

StreamClient::StreamClient(OnComplete on_complete) : impl_(std::make_unique<Impl>(std::move(on_complete))) {}
StreamClient::~StreamClient() = default;

void StreamClient::Start(Exchange& x) {
  Impl::Handle& h = impl_->HandleFor(x);
  CURL* easy = h.easy;
  // "Expect:" first: no 100-continue round trip for long prompts. Then the exchange's headers,
  // as list nodes pointing at its strings.
  static char expect[] = "Expect:";
  h.header_nodes.resize(x.headers.size() + 1);
  h.header_nodes[0].data = expect;
  for (std::size_t i = 0; i < x.headers.size(); ++i) h.header_nodes[i + 1].data = x.headers[i].data();
  for (std::size_t i = 0; i < h.header_nodes.size(); ++i)
    h.header_nodes[i].next = i + 1 < h.header_nodes.size() ? &h.header_nodes[i + 1] : nullptr;
  x.parser.Reset(x.decoder->framing());
  if (h.url != x.url) {
    curl_easy_setopt(easy, CURLOPT_URL, x.url.c_str());
    h.url = x.url;
  }
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, x.body->data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(x.body->size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h.header_nodes.data());
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &x);
  x.start_ns = NowNs();
  h.start_ns = x.start_ns;
  h.timeout_ns = std::max<std::int64_t>(x.timeout_ns, 1'000'000);
  h.connected = false;
  impl_->SetDeadline(h, h.start_ns + std::min(h.timeout_ns, kConnectLimitNs));
  curl_multi_add_handle(h.shard->multi, easy);
  ++impl_->in_flight;
  // Hand the request to the socket now rather than on the next Poll.
  h.shard->timeout_due = false;
  impl_->Action(*h.shard, CURL_SOCKET_TIMEOUT, 0);
}

void StreamClient::Poll(Nanoseconds max_wait) {
  impl_->RunDueTimeouts();
  impl_->DrainCompleted();  // also what a start's hand-over finished (a refused connection)
  std::array<epoll_event, 256> events;
  // Nanosecond resolution (an open-loop schedule sends every 200 µs at 5,000 req/s); a kernel
  // without epoll_pwait2 (< 5.11) gets whole milliseconds.
  const std::int64_t wait_ns = impl_->AnyTimeoutDue() ? 0 : std::max<std::int64_t>(0, max_wait.count());
  const timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000), static_cast<long>(wait_ns % 1'000'000'000)};
  int n = epoll_pwait2(impl_->epoll_fd, events.data(), static_cast<int>(events.size()), &ts, nullptr);
  if (n < 0 && errno == ENOSYS) {
    n = epoll_wait(impl_->epoll_fd, events.data(), static_cast<int>(events.size()),
                   static_cast<int>((wait_ns + 999'999) / 1'000'000));
  }
  for (int i = 0; i < n; ++i) {
    const std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
    const auto flags = events[static_cast<std::size_t>(i)].events;
    if (tag == kTimerTag) {
      impl_->OnTimerFd();
      continue;
    }
    const int mask = ((flags & EPOLLIN) ? CURL_CSELECT_IN : 0) | ((flags & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                     ((flags & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
    impl_->Action(*impl_->shards[tag >> 32], static_cast<curl_socket_t>(tag & 0xffff'ffffu), mask);
  }
  impl_->DrainCompleted();
}

std::int64_t StreamClient::in_flight() const noexcept { return impl_->in_flight; }

std::string ProbeConnect(const std::string& url, Nanoseconds timeout) {
  static GlobalInit init;
  CURL* easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<std::int64_t>(1, timeout.count() / 1'000'000)));
  const CURLcode code = curl_easy_perform(easy);
  curl_easy_cleanup(easy);
  return code == CURLE_OK ? std::string() : std::string(curl_easy_strerror(code));
}

namespace {

// One blocking exchange on `easy` (reset first; its connection cache survives the reset).
GetResult Perform(CURL* easy, const std::string& url, const std::vector<std::string>& headers,
                  const std::string* post_body, Nanoseconds timeout, std::size_t max_body) {
  struct Sink {
    std::string body;
    std::size_t limit;
  } sink{{}, max_body};
  const auto write = +[](char* data, size_t size, size_t count, void* user) -> size_t {
    auto& s = *static_cast<Sink*>(user);
    const std::size_t n = size * count;
    s.body.append(data, std::min(n, s.limit - std::min(s.limit, s.body.size())));
    return n;
  };
  GetResult out;
  if (easy == nullptr) {
    out.error = "curl_easy_init failed";
    return out;
  }
  curl_easy_reset(easy);
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  if (post_body != nullptr) list = curl_slist_append(list, "Content-Type: application/json");
  const long ms = static_cast<long>(std::max<std::int64_t>(1, timeout.count() / 1'000'000));
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, ms);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &sink);
  if (post_body != nullptr) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
  }
  const CURLcode code = curl_easy_perform(easy);
  if (code == CURLE_OK) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &out.status);
    curl_off_t size = 0;
    curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &size);
    out.truncated = static_cast<std::size_t>(size) > sink.body.size();
    out.body = std::move(sink.body);
  } else {
    out.error = curl_easy_strerror(code);
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(list);
  return out;
}

// A one-off exchange on a handle of its own.
GetResult PerformOnce(const std::string& url, const std::vector<std::string>& headers, const std::string* post_body,
                      Nanoseconds timeout, std::size_t max_body) {
  static GlobalInit init;
  CURL* easy = curl_easy_init();
  GetResult out = Perform(easy, url, headers, post_body, timeout, max_body);
  if (easy != nullptr) curl_easy_cleanup(easy);
  return out;
}

}  // namespace

GetResult HttpGet(const std::string& url, const std::vector<std::string>& headers, Nanoseconds timeout,
                  std::size_t max_body) {
  return PerformOnce(url, headers, nullptr, timeout, max_body);
}

GetResult HttpPostJson(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                       Nanoseconds timeout, std::size_t max_body) {
  return PerformOnce(url, headers, &body, timeout, max_body);
}

HttpSession::HttpSession() {
  static GlobalInit init;
  easy_ = curl_easy_init();
}

HttpSession::~HttpSession() {
  if (easy_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(easy_));
}

GetResult HttpSession::PostJson(const std::string& url, const std::vector<std::string>& headers,
                                const std::string& body, Nanoseconds timeout, std::size_t max_body) {
  return Perform(static_cast<CURL*>(easy_), url, headers, &body, timeout, max_body);
}

}  // namespace llmbench::client
