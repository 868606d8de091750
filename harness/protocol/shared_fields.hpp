// What several wire decoders share: counting an event as text or as malformed, an error event's
// message, llama.cpp's `timings`.
#pragma once

#include <string_view>

#include "protocol/events.hpp"
#include "protocol/json_scan.hpp"

namespace llmbench::protocol {

/// Counts an event that carried `bytes` (> 0) of generated text.
inline EventKind CountText(std::size_t bytes, StreamTally& tally) {
  ++tally.text_chunks;
  tally.text_bytes += static_cast<std::int64_t>(bytes);
  return EventKind::Text;
}

/// Generated text found in an event: returns its bytes, and keeps the text when the caller
/// asked for it (tally.text).
inline std::size_t TakeText(std::string_view text, StreamTally& tally) {
  if (tally.text != nullptr && tally.text->size() < kMaxKeptText)
    tally.text->append(text.substr(0, kMaxKeptText - tally.text->size()));
  return text.size();
}

/// Counts an event that is not the JSON the protocol expects.
inline EventKind CountMalformed(StreamTally& tally) {
  ++tally.malformed_events;
  return EventKind::Malformed;
}

/// The data of an error event (`event: error` or llama.cpp's `error:` line) into tally.error,
/// unless an error is already there: a JSON string, {"message": ..} (llama.cpp),
/// {"error": {"message": ..}} or {"error": ".."} (OpenAI-style), else the raw text.
/// Returns EventKind::Error.
EventKind ReadErrorEvent(JsonScratch& scratch, std::string_view data, StreamTally& tally);

/// An {"error": ...} value: a string, or an object with "message".
void ReadErrorValue(simdjson::ondemand::value v, StreamTally& tally);

/// llama.cpp server `timings`: prompt_ms / predicted_ms (milliseconds, floats; their sum is the
/// total) and prompt_n, the prompt tokens it computed (fewer than the prompt: a cache hit).
void ReadLlamaCppTimings(simdjson::ondemand::value v, StreamTally& tally);

}  // namespace llmbench::protocol
