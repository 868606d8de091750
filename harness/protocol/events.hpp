// What a protocol decoder extracts from a response stream, protocol-independent.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>

#include "protocol/chunk_shape.hpp"

namespace llmbench::protocol {

/// What one SSE event turned out to be, for the caller's timestamp bookkeeping.
enum class EventKind : std::uint8_t {
  Text,      ///< carries generated text (or reasoning text): a chunk for TTFT/ITL
  Meta,      ///< role-only delta, usage, timings, special token: no text
  Done,      ///< end-of-stream marker ([DONE], TGI's final event)
  Error,     ///< the server reported an error inside the stream
  Malformed  ///< not the JSON the protocol expects
};

inline const char* ToString(EventKind k) {
  switch (k) {
    case EventKind::Text:
      return "text";
    case EventKind::Meta:
      return "meta";
    case EventKind::Done:
      return "done";
    case EventKind::Error:
      return "error";
    case EventKind::Malformed:
      return "malformed";
  }
  return "?";
}

/// Server-side timings as the engine reported them, in nanoseconds; -1 when not reported.
struct ServerTimings {
  std::int64_t queue_ns = -1;       ///< waiting before processing started
  std::int64_t prompt_ns = -1;      ///< prompt processing (prefill)
  std::int64_t completion_ns = -1;  ///< generation (decode)
  std::int64_t total_ns = -1;       ///< the server's total for the request
};

/// Running totals for one response stream. Decoders add to it event by event; the client owns
/// one per request. Counts only: no payload text is kept, bar `shape` (one chunk's bytes, the
/// decoder's) and `text` when the caller asks for it.
struct StreamTally {
  // The fields a text chunk of the usual shape touches come first, together (see Exchange).
  std::int64_t text_chunks = 0;  ///< events that carried generated text
  std::int64_t text_bytes = 0;   ///< UTF-8 bytes of generated text
  /// When set (correctness checks need it), generated text is appended here too, up to
  /// kMaxKeptText bytes; null on the usual path, which keeps counts only.
  std::string* text = nullptr;
  /// The decoder's memory of this stream's last plain text chunk (bytes, not counted text).
  ChunkShape shape;

  std::int64_t token_events = 0;              ///< events the protocol identifies as one token each (TGI)
  std::int64_t prompt_tokens = -1;            ///< server usage; -1 when the server sent none
  std::int64_t completion_tokens = -1;        ///< server usage; -1 when the server sent none
  std::int64_t cached_prompt_tokens = -1;     ///< usage.prompt_tokens_details.cached_tokens (OpenAI, vLLM)
  std::int64_t evaluated_prompt_tokens = -1;  ///< prompt tokens actually computed (llama.cpp timings.prompt_n)
  ServerTimings timings;
  bool done = false;  ///< the protocol's end-of-stream marker arrived
  std::int64_t malformed_events = 0;
  std::string error;  ///< first in-stream error message; empty when none
  std::string finish_reason;
};

/// Two tallies hold the same counts, timings, flags and messages (not `shape`, not `text`'s
/// address): what a decoder's result is judged by.
inline bool SameCounts(const StreamTally& a, const StreamTally& b) {
  const auto counts = [](const StreamTally& t) {
    return std::tuple(t.text_chunks, t.text_bytes, t.token_events, t.prompt_tokens, t.completion_tokens,
                      t.cached_prompt_tokens, t.evaluated_prompt_tokens, t.timings.queue_ns, t.timings.prompt_ns,
                      t.timings.completion_ns, t.timings.total_ns, t.done, t.malformed_events);
  };
  return counts(a) == counts(b) && a.error == b.error && a.finish_reason == b.finish_reason;
}

inline constexpr std::size_t kMaxKeptText = 16 * 1024;

}  // namespace llmbench::protocol
