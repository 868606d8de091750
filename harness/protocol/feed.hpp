// Response bytes to counted events: the framer and a decoder together, as the client runs them.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/protocol.hpp"
#include "protocol/sse_parser.hpp"

namespace llmbench::protocol {

/// Frames `bytes` (the next ones read from the response body) with `parser` and decodes each
/// event with `decoder` into `tally`; calls on_text() once for each event that carried text, in
/// order. When the framer is at an event's start, the decoder first takes the whole events it
/// recognises straight from the bytes (Protocol::DecodeWholeEvents: the usual text chunk, without
/// a scan for its line's end); the framer gets the rest.
template <class OnText>
void FeedAndDecode(SseParser& parser, Protocol& decoder, std::string_view bytes, StreamTally& tally, OnText&& on_text) {
  if (parser.AtWholeEventStart()) {
    const Protocol::WholeEvents whole = decoder.DecodeWholeEvents(bytes, tally);
    for (std::int64_t i = 0; i < whole.texts; ++i) on_text();
    bytes.remove_prefix(whole.bytes);
    if (bytes.empty()) return;
  }
  parser.Feed(bytes, [&](const SseEvent& e) {
    if (decoder.Decode(e, tally) == EventKind::Text) on_text();
  });
}

}  // namespace llmbench::protocol
