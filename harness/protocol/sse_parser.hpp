// Incremental Server-Sent Events framer (WHATWG HTML §9.2.6), fed bytes as they arrive.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace llmbench::protocol {

/// How a response body is cut into events: Server-Sent Events, newline-delimited JSON (Ollama's
/// native API), where every non-blank line is one event's data, or the whole body as one event
/// at its end (a non-streaming answer: TGI's /generate).
enum class Framing : std::uint8_t { Sse, JsonLines, WholeBody };

/// One dispatched event. Views are valid only during the callback.
struct SseEvent {
  std::string_view event;  ///< "event:" field; "" means the default type "message"
  std::string_view data;   ///< "data:" lines joined with '\n'
  std::string_view id;
};

/// The first '\n' or '\r' in [p, end), or end: a line's end, found in one pass.
inline const char* FindLineEnd(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int hits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
    if (hits != 0) return p + __builtin_ctz(static_cast<unsigned>(hits));
  }
#endif
  for (; p != end; ++p)
    if (*p == '\n' || *p == '\r') return p;
  return end;
}

/// Byte-fed SSE state machine. Handles "\n", "\r\n" and lone "\r" line ends (also split across
/// reads), a leading UTF-8 byte-order mark, ":" comments (servers' keep-alive pings), multi-line
/// "data:", "event:"/"id:", a final event without its blank line (Finish), and events split at any
/// byte. Unlike the spec, an event whose data is empty (a bare "data" or "data:" line, which
/// WHATWG dispatches with data "") is not dispatched: no protocol gives it a meaning, and decoders
/// would count it as malformed.
/// One extension: an "error:" field line (older llama.cpp servers send `error: {...}`, which a
/// WHATWG parser would ignore) dispatches an event of type "error" carrying that value, so a
/// server's error is never lost. Not thread-safe; one per stream. Allocates only when an event
/// is larger than any seen before on this parser.
class SseParser {
 public:
  /// Feeds `bytes`; calls on_event(const SseEvent&) for each complete event, in order.
  template <class OnEvent>
  void Feed(std::string_view bytes, OnEvent&& on_event);

  /// End of stream: dispatches a pending event that lacked its terminating blank line.
  /// Returns true when the stream ended inside a line or event (a truncated stream).
  template <class OnEvent>
  bool Finish(OnEvent&& on_event);

  std::int64_t comments() const noexcept { return comments_; }
  /// Nothing of an event is pending (no line, field or event type) and the stream's start is
  /// behind: bytes that begin with "data:", a value without CR or LF, and "\n\n" are then one
  /// event with that data and no other field, which Feed would dispatch leaving this state as it
  /// is. A caller that recognises such events (Protocol::DecodeWholeEvents) may skip feeding them.
  bool AtWholeEventStart() const {
    return bom_seen_ < 0 && !skip_lf_ && !json_lines_ && !whole_body_ && AtEventStart() && event_.empty();
  }
  /// Clears all state for a new stream framed as `framing`.
  void Reset(Framing framing = Framing::Sse);

 private:
  /// Processes one complete line (without its terminator); true when an event is ready.
  bool Line(std::string_view line);
  /// Consumes the stream's leading byte-order mark (EF BB BF), even split across feeds; bytes
  /// that turn out not to be one are kept as line content.
  const char* SkipBom(const char* p, const char* end);
  bool Ready() const { return has_error_ || (has_data_ && !data_.empty()); }
  /// No line or field of an event pending ("event:"/"id:" may have been seen): a "data:" line
  /// followed by a blank line is then a whole event by itself.
  bool AtEventStart() const { return partial_.empty() && !has_data_ && !has_error_; }
  SseEvent Current() const { return {event_, data_, id_}; }
  void ClearEvent();

  // The flags first, then the strings Feed's usual path reads (partial_'s size, event_, id_):
  // together in as few cache lines as they fit (see client::Exchange).
  bool has_data_ = false;
  bool has_error_ = false;   ///< an "error:" field was seen in this event
  bool skip_lf_ = false;     ///< previous chunk ended with '\r': a leading '\n' belongs to it
  bool json_lines_ = false;  ///< Framing::JsonLines
  bool whole_body_ = false;  ///< Framing::WholeBody: data_ collects the body
  int bom_seen_ = 0;         ///< bytes of a leading byte-order mark matched; -1 once past it
  std::string partial_;      ///< bytes of a line not yet terminated
  std::string event_;
  std::string id_;
  std::string data_;
  std::int64_t comments_ = 0;
};

template <class OnEvent>
void SseParser::Feed(std::string_view bytes, OnEvent&& on_event) {
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  if (bom_seen_ >= 0) p = SkipBom(p, end);
  if (whole_body_) {
    if (!partial_.empty()) {  // bytes SkipBom kept: they were not a byte-order mark
      data_.append(partial_);
      partial_.clear();
    }
    data_.append(p, static_cast<std::size_t>(end - p));
    has_data_ = true;
    return;
  }
  if (skip_lf_ && p != end) {
    skip_lf_ = false;
    if (*p == '\n') ++p;
  }
  while (p != end) {
    const char* eol = FindLineEnd(p, end);
    if (AtEventStart() && !json_lines_) {
      // The usual event, whole in this read: "data:" + value, "\n\n". Dispatched from the read's
      // own bytes: one scan, no copy. Anything else takes the line-by-line way below.
      const std::size_t line_size = static_cast<std::size_t>(eol - p);
      if (line_size > 5 && end - eol >= 2 && eol[0] == '\n' && eol[1] == '\n' && std::memcmp(p, "data:", 5) == 0) {
        std::string_view value(p + 5, line_size - 5);
        if (value.front() == ' ') value.remove_prefix(1);
        if (!value.empty()) {
          on_event(SseEvent{event_, value, id_});
          event_.clear();  // ClearEvent, less what is already so: data_ is empty, has_data_ and has_error_ false
          p = eol + 2;
          continue;
        }
      }
    }
    if (eol == end) {
      partial_.append(p, static_cast<std::size_t>(end - p));
      return;
    }
    std::string_view line(p, static_cast<std::size_t>(eol - p));
    if (!partial_.empty()) {
      partial_.append(line);
      line = partial_;
    }
    p = eol + 1;
    if (*eol == '\r') {
      if (p == end)
        skip_lf_ = true;
      else if (*p == '\n')
        ++p;
    }
    const bool ready = Line(line);
    partial_.clear();
    if (ready) {
      on_event(Current());
      ClearEvent();
    }
  }
}

template <class OnEvent>
bool SseParser::Finish(OnEvent&& on_event) {
  bool truncated = false;
  if (bom_seen_ > 0) partial_.insert(0, "\xEF\xBB\xBF", static_cast<std::size_t>(bom_seen_));
  bom_seen_ = -1;
  if (whole_body_) {  // the body is complete: it is the one event
    data_.append(partial_);
    partial_.clear();
    if (!data_.empty()) on_event(Current());
    ClearEvent();
    return false;
  }
  if (!partial_.empty()) {
    truncated = true;
    std::string line = std::move(partial_);
    partial_.clear();
    Line(line);
  }
  if (has_data_ || has_error_) {
    truncated = true;
    if (Ready()) on_event(Current());
  }
  ClearEvent();
  return truncated;
}

}  // namespace llmbench::protocol
