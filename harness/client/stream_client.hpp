// The libcurl multi event loop: many streaming transfers on one thread, no thread per request.
// curl_multi_socket_action on epoll, with curl's timer on a timerfd. Bytes are stamped with the
// monotonic clock as curl hands them over, right after it read them from the socket, so a
// chunk's timestamp is when its bytes were found on the socket, not when the loop got round to
// parsing them. Transfers are spread over several curl multi handles (see stream_client.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/clock.hpp"
#include "client/exchange.hpp"

namespace llmbench::client {

class StreamClient {
 public:
  using OnComplete = std::function<void(Exchange&)>;

  /// `on_complete` runs on the loop thread (inside Poll) once per finished exchange.
  explicit StreamClient(OnComplete on_complete);
  ~StreamClient();
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  /// Stamps start_ns and starts the transfer. Not thread-safe: call from the loop thread.
  void Start(Exchange& exchange);

  /// Waits at most `max_wait` for socket activity or a curl timer, handles it, and invokes
  /// on_complete for each finished exchange. Returns early when anything happened.
  void Poll(Nanoseconds max_wait);

  std::int64_t in_flight() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Can a TCP (and TLS) connection to `url` be made within `timeout`? "" if so, else why not.
std::string ProbeConnect(const std::string& url, Nanoseconds timeout);

/// A blocking GET of `url` (for the engine's identity endpoints, never on the measured path):
/// the HTTP status (0 when there was no answer) and the first `max_body` bytes of the body.
struct GetResult {
  long status = 0;
  std::string body;
  bool truncated = false;  ///< the body was longer than max_body
  std::string error;       ///< why there was no answer (curl's words) when status == 0
};
GetResult HttpGet(const std::string& url, const std::vector<std::string>& headers, Nanoseconds timeout,
                  std::size_t max_body = 1 << 20);

/// A blocking POST of a JSON body (tokenizer endpoints, before a level's clock starts).
GetResult HttpPostJson(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                       Nanoseconds timeout, std::size_t max_body = 1 << 20);

/// The same calls on one reused connection (a tokenizer fit makes hundreds). One thread.
class HttpSession {
 public:
  HttpSession();
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;
  GetResult PostJson(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                     Nanoseconds timeout, std::size_t max_body = 1 << 20);

 private:
  void* easy_;  ///< CURL*
};

}  // namespace llmbench::client
