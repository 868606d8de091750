// libFuzzer target: the SSE / JSON-lines / whole-body framer. Beyond not crashing, framing must
// not depend on where the bytes were split: the input fed whole and fed in pieces (cut where its
// first bytes say) must give the same events and the same truncation verdict.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/sse_parser.hpp"

using llmbench::protocol::Framing;
using llmbench::protocol::SseEvent;
using llmbench::protocol::SseParser;

namespace {

struct Framed {
  std::vector<std::string> events;  ///< "event\x1fdata\x1fid"
  bool truncated = false;
};

template <class Feed>
Framed Frame(Framing framing, Feed&& feed) {
  SseParser parser;
  parser.Reset(framing);
  Framed out;
  const auto on_event = [&](const SseEvent& e) {
    out.events.push_back(std::string(e.event) + '\x1f' + std::string(e.data) + '\x1f' + std::string(e.id));
  };
  feed(parser, on_event);
  out.truncated = parser.Finish(on_event);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const Framing framing = static_cast<Framing>(data[0] % 3);
  const std::size_t step = 1 + data[1] % 17;  // pieces of 1..17 bytes, as reads might cut them
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  const Framed whole = Frame(framing, [&](SseParser& p, const auto& on) { p.Feed(body, on); });
  const Framed pieces = Frame(framing, [&](SseParser& p, const auto& on) {
    for (std::size_t at = 0; at < body.size(); at += step) p.Feed(body.substr(at, step), on);
  });
  if (whole.events != pieces.events || whole.truncated != pieces.truncated) std::abort();
  return 0;
}
