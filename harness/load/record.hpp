// Record: everything measured about one request, as raw monotonic stamps and counts. The
// metrics module derives TTFT, ITL, TPOT, … from it; nothing here is computed or formatted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/events.hpp"
#include "scenario/level.hpp"

namespace llmbench::load {

/// Why a request failed; counted by kind, never fatal to the run.
enum class ErrorKind : std::uint8_t {
  None,
  Connect,     ///< no connection (refused, DNS, TLS handshake)
  Timeout,     ///< the per-request timeout expired
  HttpStatus,  ///< a non-2xx status (429 only once retries are exhausted)
  Stream,      ///< the stream broke: disconnect, in-stream error event, no end (marker or finish reason)
  Decode,      ///< the stream carried events the protocol could not decode
  NoOutput,    ///< a complete, error-free stream without a single output token
};

inline constexpr std::string_view ToString(ErrorKind k) {
  switch (k) {
    case ErrorKind::None:
      return "none";
    case ErrorKind::Connect:
      return "connect";
    case ErrorKind::Timeout:
      return "timeout";
    case ErrorKind::HttpStatus:
      return "http_status";
    case ErrorKind::Stream:
      return "stream";
    case ErrorKind::Decode:
      return "decode";
    case ErrorKind::NoOutput:
      return "no_output";
  }
  return "?";
}

inline constexpr ErrorKind kErrorKinds[] = {ErrorKind::Connect, ErrorKind::Timeout, ErrorKind::HttpStatus,
                                            ErrorKind::Stream,  ErrorKind::Decode,  ErrorKind::NoOutput};

struct Record {
  /// Position in the level's request sequence (warm-up first), the index of its prompt; a
  /// multi-turn class's is conversation × turns + turn − 1.
  std::int64_t index = 0;
  /// A multi-turn class's turn, 1-based (the request sent the conversation's turn − 1 earlier
  /// turns as history); 0 for a single-turn class.
  std::int32_t turn = 0;
  bool warmup = false;
  scenario::Level load_level;
  std::string request_id;  ///< sent as X-Request-Id

  // Monotonic stamps (NowNs). scheduled_ns is when the request was due: the first attempt's
  // start, so 429 back-off shows up as start_ns − scheduled_ns.
  std::int64_t scheduled_ns = 0;
  /// Open loop: when the level's schedule said to send it (load/schedule.hpp); latency counts
  /// from here (wrk2's rule: a late send is the client's lag, and the user's wait). 0 = closed loop.
  std::int64_t intended_ns = 0;
  std::int64_t start_ns = 0;           ///< the final attempt was handed to the socket
  std::int64_t first_byte_ns = 0;      ///< response status line arrived
  std::int64_t done_ns = 0;            ///< stream ended
  std::vector<std::int64_t> chunk_ns;  ///< arrival of each text-carrying chunk

  std::int64_t target_input_tokens = 0;       ///< what the prompt was synthesised for
  std::int64_t max_tokens = 0;                ///< what was requested
  std::int64_t prompt_tokens = -1;            ///< server usage; -1 = not reported
  std::int64_t completion_tokens = -1;        ///< server usage; -1 = not reported
  std::int64_t cached_prompt_tokens = -1;     ///< prompt tokens served from the server's cache; -1 = not reported
  std::int64_t evaluated_prompt_tokens = -1;  ///< prompt tokens the server computed; -1 = not reported
  std::int64_t token_events = 0;              ///< events that are one token each (TGI)
  std::int64_t text_bytes = 0;
  protocol::ServerTimings server;
  std::int64_t connect_ns = -1;  ///< 0 = reused connection

  ErrorKind error = ErrorKind::None;
  long http_status = 0;
  std::string error_message;
  std::int32_t retries_429 = 0;
  std::int64_t rate_wait_ns = 0;  ///< held back by the engine's rate cap before its first send
  bool excluded = false;          ///< failed, and left out of the statistics ([load] on_error = "exclude")
  bool streamed = true;           ///< false: the answer came whole (tgi-generate): no TTFT, ITL or TPOT
  std::string finish_reason;
  std::string output_text;  ///< the answer, only when Target::keep_text (at most protocol::kMaxKeptText bytes)
  // Correctness checks ([checks]), set after the run: 1 held, 0 failed, -1 not checked.
  std::int8_t expect_matched = -1;  ///< the answer matched the `expect` pattern
  std::int8_t own_code = -1;        ///< crossover: its own code came back, and no other request's
};

}  // namespace llmbench::load
