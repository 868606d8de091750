// libFuzzer target: every protocol's stream decoder behind its framer, as the client runs them
// (the first byte picks the protocol, the second how the body is cut into reads (event_pieces.hpp)
// and whether text is kept; the rest is the response body),
// plus the response-header hook. Decoders must never throw, whatever the server sends.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "event_pieces.hpp"
#include "protocol/feed.hpp"
#include "protocol/protocol.hpp"

using namespace llmbench::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto& names = ProtocolNames();
  auto protocol = MakeProtocol(names[data[0] % names.size()]);
  if (!protocol) std::abort();
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  StreamTally tally;
  std::string kept;
  if (data[1] & 0x80) tally.text = &kept;  // correctness checks keep the text: bounded
  SseParser parser;
  parser.Reset(protocol->framing());
  const auto on_event = [&](const SseEvent& e) { protocol->Decode(e, tally); };
  try {
    for (const std::string_view piece : llmbench::fuzz::Pieces(body, data[1]))
      FeedAndDecode(parser, *protocol, piece, tally, [] {});
    parser.Finish(on_event);
    // The body's first line as a header (TGI reads its timings from x-* headers).
    const std::string_view line = body.substr(0, body.find('\n'));
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) protocol->OnHeader(line.substr(0, colon), line.substr(colon + 1), tally);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "a %s threw: %s\n", "decoder", e.what());
    std::abort();
  } catch (...) {
    std::abort();  // "Never throws"
  }
  if (kept.size() > kMaxKeptText) std::abort();
  return 0;
}
