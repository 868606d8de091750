// One streaming HTTP exchange: what to send, and the raw stamps and counts of what came back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/events.hpp"
#include "protocol/protocol.hpp"
#include "protocol/sse_parser.hpp"

namespace llmbench::client {

/// Transport-level outcome (HTTP status and in-stream errors are separate fields).
enum class Transport : std::uint8_t { Ok, Connect, Timeout, Broken };

/// Owned by the caller; must stay alive and unmoved from StreamClient::Start until its
/// completion callback returns. All stamps are NowNs() (CLOCK_MONOTONIC ns).
struct Exchange {
  // --- hot: read or written for every read of the response body (OnBody), so kept together at
  // the start: at hundreds of streams each read's first touch of its exchange misses the cache,
  // and every further cache line it touches can miss again (profiled, 2026-12-08).
  protocol::Protocol* decoder = nullptr;  ///< set by the caller; shared by the exchanges of one client thread
  long http_status = 0;                   ///< set by the client
  std::int64_t done_ns = 0;               ///< the transfer completed: its last bytes arrived, or it failed
  std::vector<std::int64_t> chunk_ns;     ///< arrival of each text-carrying event
  protocol::SseParser parser;             ///< client state
  protocol::StreamTally tally;            ///< its hot counters and chunk shape first

  // --- request (set by the caller)
  std::string url;
  const std::string* body = nullptr;  ///< not owned
  std::vector<std::string> headers;   ///< "Name: value"; read by curl until the exchange completes
  std::int64_t timeout_ns = 0;
  void* context = nullptr;  ///< the caller's

  // --- response (set by the client; also done_ns, chunk_ns, tally and http_status above)
  std::int64_t start_ns = 0;       ///< just before the request was handed to curl/the socket
  std::int64_t first_byte_ns = 0;  ///< first response byte (the status line)
  Transport transport = Transport::Ok;
  std::string transport_error;       ///< curl's message when transport != Ok
  std::string error_body;            ///< start of a non-2xx response body (≤ 1 KiB)
  std::int64_t retry_after_ns = -1;  ///< from retry-after-ms or Retry-After; -1 = none
  std::int64_t connect_ns = -1;      ///< TCP (+TLS) connect time; 0 when the connection was reused

  // --- client state (and the parser above)
  /// The client's transfer handle, kept from one request to the next (set up once, never reset:
  /// a request start only sets what differs); valid while `client_id` names a live client.
  void* handle = nullptr;
  std::uint64_t client_id = 0;

  /// Clears the response part for a new attempt (keeps request fields and capacity); Start
  /// resets the parser.
  void ResetResponse();
};

}  // namespace llmbench::client
