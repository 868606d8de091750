// A loopback HTTP server for the tests that answers every POST with one recorded stream,
// byte-exact, cut into writes at chosen offsets (one byte per write included), each write its
// own HTTP chunk and flushed separately, so the client sees the transcript split where the test
// says. Connection: close after each response. Blocking sockets on one thread; 127.0.0.1 only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace llmbench::testing {

class ReplayServer {
 public:
  /// Where to cut `body`: the sizes of consecutive writes (the last one takes what is left).
  using Splitter = std::function<std::vector<std::size_t>(const std::string& body)>;

  ReplayServer(std::string body, Splitter split, std::vector<std::string> headers = {})
      : body_(std::move(body)), split_(std::move(split)), headers_(std::move(headers)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listen_fd_, 16) != 0 || getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("replay server: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ReplayServer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
  }
  ReplayServer(const ReplayServer&) = delete;
  ReplayServer& operator=(const ReplayServer&) = delete;

  std::string url(const std::string& path = "/v1/chat/completions") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int served() const { return served_; }
  /// From now on, a response stops after its first write and holds the connection open, sending
  /// nothing more, until the client closes it (at most 10 s): a server that stalls mid-stream.
  void StallAfterFirstWrite() { stall_ = true; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (ReadRequest(fd)) Respond(fd);
      close(fd);
      ++served_;
    }
  }

  // Reads the request head and its Content-Length body.
  static bool ReadRequest(int fd) {
    std::string in;
    char buf[4096];
    std::size_t need = std::string::npos;
    while (need == std::string::npos || in.size() < need) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 5000) <= 0) return false;
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) return false;
      in.append(buf, static_cast<std::size_t>(n));
      const auto head_end = in.find("\r\n\r\n");
      if (need == std::string::npos && head_end != std::string::npos) {
        std::size_t length = 0;
        const auto cl = in.find("Content-Length: ");
        if (cl != std::string::npos && cl < head_end) length = std::stoul(in.substr(cl + 16));
        need = head_end + 4 + length;
      }
    }
    return true;
  }

  void Respond(int fd) const {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n";
    for (const auto& h : headers_) head += h + "\r\n";
    head += "Connection: close\r\n\r\n";
    if (!WriteAll(fd, head)) return;
    std::size_t at = 0;
    for (const std::size_t size : split_(body_)) {
      if (at >= body_.size()) break;
      const std::size_t n = std::min(size, body_.size() - at);
      if (n == 0) continue;
      char len[32];
      std::snprintf(len, sizeof len, "%zx\r\n", n);
      if (!WriteAll(fd, len + body_.substr(at, n) + "\r\n")) return;
      at += n;
      if (stall_) {
        pollfd p{fd, POLLIN, 0};
        poll(&p, 1, 10'000);  // until the client gives up (its close reads as input)
        return;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(50));  // each write its own segment
    }
    if (at < body_.size()) {
      char len[32];
      std::snprintf(len, sizeof len, "%zx\r\n", body_.size() - at);
      if (!WriteAll(fd, len + body_.substr(at) + "\r\n")) return;
    }
    WriteAll(fd, "0\r\n\r\n");
  }

  static bool WriteAll(int fd, const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
      const ssize_t n = send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  std::string body_;
  Splitter split_;
  std::vector<std::string> headers_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> stall_{false};
  std::atomic<int> served_{0};
  std::thread thread_;
};

}  // namespace llmbench::testing
