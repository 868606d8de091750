// libFuzzer target, differential: the OpenAI-compatible decoders' shortcuts for a chunk shaped like
// the stream's last plain text chunk (ChunkShape) must give exactly what the full parse gives.
// Each event is decoded twice: by a decoder that keeps the stream's shape (Match), and by one
// whose shape is forgotten before every event (always the full parse). A third decoder takes the
// body as the client does (FeedAndDecode: whole events straight from the bytes when the framer is
// at an event's start, MatchEvent), and must hold the same counts as the full parse after every
// piece. The first byte picks chat or completions, the second how the body is cut into reads
// (event_pieces.hpp) and whether text is kept; the rest is the body.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "event_pieces.hpp"
#include "protocol/feed.hpp"
#include "protocol/protocol.hpp"

using namespace llmbench::protocol;

namespace {

void Print(const char* what, const StreamTally& t, const std::string& text) {
  std::fprintf(stderr,
               "%s: text_chunks %lld, text_bytes %lld, prompt %lld, completion %lld, done %d, malformed %lld, "
               "error [%s], finish [%s], kept text %zu bytes\n",
               what, static_cast<long long>(t.text_chunks), static_cast<long long>(t.text_bytes),
               static_cast<long long>(t.prompt_tokens), static_cast<long long>(t.completion_tokens), t.done ? 1 : 0,
               static_cast<long long>(t.malformed_events), t.error.c_str(), t.finish_reason.c_str(), text.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view name = data[0] % 2 == 0 ? kOpenAiChat : kOpenAiCompletions;
  auto fast = MakeProtocol(name);
  auto full = MakeProtocol(name);
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  StreamTally fast_tally, full_tally;
  std::string fast_text, full_text;
  if (data[1] & 0x80) {
    fast_tally.text = &fast_text;
    full_tally.text = &full_text;
  }
  SseParser parser;
  parser.Reset(fast->framing());
  std::size_t events = 0;
  const auto on_event = [&](const SseEvent& e) {
    ++events;
    const EventKind a = fast->Decode(e, fast_tally);
    full_tally.shape.Forget();
    const EventKind b = full->Decode(e, full_tally);
    if (a != b || !SameCounts(fast_tally, full_tally) || fast_text != full_text) {
      std::fprintf(stderr, "event %zu decoded %s with the shape, %s by the full parse: [%.*s]\n", events, ToString(a),
                   ToString(b), static_cast<int>(e.data.size()), e.data.data());
      Print("with the shape", fast_tally, fast_text);
      Print("full parse", full_tally, full_text);
      std::abort();
    }
  };
  auto client = MakeProtocol(name);
  StreamTally client_tally;
  std::string client_text;
  if (data[1] & 0x80) client_tally.text = &client_text;
  SseParser client_parser;
  client_parser.Reset(client->framing());
  std::int64_t client_texts = 0;
  const auto same_as_full = [&](const char* when, std::size_t at) {
    if (client_tally.text_chunks != client_texts || !SameCounts(client_tally, full_tally) || client_text != full_text) {
      std::fprintf(stderr, "%s %zu: as the client decodes (%lld text events) and by the full parse differ\n", when, at,
                   static_cast<long long>(client_texts));
      Print("as the client decodes", client_tally, client_text);
      Print("full parse", full_tally, full_text);
      std::abort();
    }
  };
  std::size_t at = 0;
  for (const std::string_view piece : llmbench::fuzz::Pieces(body, data[1])) {
    parser.Feed(piece, on_event);
    FeedAndDecode(client_parser, *client, piece, client_tally, [&] { ++client_texts; });
    same_as_full("after the piece at byte", at);
    at += piece.size();
  }
  parser.Finish(on_event);
  client_parser.Finish([&](const SseEvent& e) { client_texts += client->Decode(e, client_tally) == EventKind::Text; });
  same_as_full("at the end, byte", body.size());
  return 0;
}
