// libFuzzer target, differential: the OpenAI-compatible decoders' shortcut for a chunk shaped like
// the stream's last plain text chunk (ChunkShape) must give exactly what the full parse gives.
// Each event is decoded twice: by a decoder that keeps the stream's shape, and by one whose
// shape is forgotten before every event (always the full parse). The first byte picks chat or
// completions, the second the piece size and whether text is kept; the rest is the body.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

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
  const std::size_t step = 1 + data[1] % 64;
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
  for (std::size_t at = 0; at < body.size(); at += step) parser.Feed(body.substr(at, step), on_event);
  parser.Finish(on_event);
  return 0;
}
