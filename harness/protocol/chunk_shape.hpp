// A stream's last plain text chunk, kept so that the next chunk of the same shape is decoded
// without a JSON parse: the hot path of the OpenAI-compatible decoders.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace llmbench::protocol {

/// The bytes of one event that a decoder read in full and found to carry nothing but one text
/// string, with where that string's characters lie. A later event made of the same bytes before
/// and after that string, with a simple string between (non-empty, no quote, no backslash, no
/// control byte, valid UTF-8), is the same JSON with another text: the decoder's full parse
/// would count exactly that text and nothing else, so the decoder can count it directly.
///
/// Streams repeat their chunks' shape (same id, model, created, fields) for every token, so on
/// the usual path this costs two memcmp over ~200 bytes instead of a parse (measured by
/// `llmbench-bench --decode`). fuzz_chunk_shape checks it against the full decoder.
class ChunkShape {
 public:
  /// Remembers `data` with its text at [text_at, text_at + text_len). Longer events than the
  /// capacity are not kept (they keep the full parse).
  void Learn(std::string_view data, std::size_t text_at, std::size_t text_len);

  /// The text of `data` when it has the remembered shape; empty otherwise. Inline: it runs for
  /// every event of a stream, and is mostly two memcmp.
  std::string_view Match(std::string_view data) const {
    if (size_ == 0) return {};
    const std::size_t after = size_ - text_at_ - text_len_;  // bytes after the text
    if (data.size() <= text_at_ + after) return {};          // no room for a non-empty text
    const std::size_t text_len = data.size() - text_at_ - after;
    if (std::memcmp(data.data(), bytes_.data(), text_at_) != 0 ||
        std::memcmp(data.data() + text_at_ + text_len, bytes_.data() + text_at_ + text_len_, after) != 0) {
      return {};
    }
    const std::string_view text = data.substr(text_at_, text_len);
    return IsPlainText(text) ? text : std::string_view{};
  }

  /// What MatchEvent found: the event's length in the bytes (0: no match) and its text.
  struct EventMatch {
    std::size_t size = 0;
    std::string_view text;
  };

  /// Whether `bytes` begin with a whole SSE event of the remembered shape, as the framer would
  /// cut it: "data:", at most one space, the remembered bytes before the text, a plain text, the
  /// remembered bytes after it, and "\n\n". Its data is then exactly what Match takes, and
  /// holds no line end, so the framer would dispatch it as one event; the caller must know that
  /// the framer is at an event's start (SseParser::AtWholeEventStart). Costs no scan for the
  /// line's end: the text ends at its first '"' (where the remembered bytes after it begin).
  EventMatch MatchEvent(std::string_view bytes) const {
    if (!one_line_ || bytes.size() < 5 || std::memcmp(bytes.data(), "data:", 5) != 0) return {};
    const char* p = bytes.data() + 5;
    const char* const end = bytes.data() + bytes.size();
    if (p != end && *p == ' ') ++p;
    const std::size_t after = size_ - text_at_ - text_len_;
    if (static_cast<std::size_t>(end - p) < text_at_ + 1 + after + 2 || std::memcmp(p, bytes_.data(), text_at_) != 0) {
      return {};
    }
    const char* const text = p + text_at_;
    bool high = false;
    const char* const stop = FindTextStop(text, end, high);
    if (stop == text || stop == end || *stop != '"' || static_cast<std::size_t>(end - stop) < after + 2 ||
        std::memcmp(stop, bytes_.data() + text_at_ + text_len_, after) != 0 || stop[after] != '\n' ||
        stop[after + 1] != '\n') {
      return {};
    }
    const std::string_view found(text, static_cast<std::size_t>(stop - text));
    if (high && !IsPlainLongText(found)) return {};  // UTF-8 validated in full
    return {static_cast<std::size_t>(stop + after + 2 - bytes.data()), found};
  }

  void Forget() {
    size_ = 0;
    one_line_ = false;
  }

 private:
  /// IsPlainJsonString (json_scan.hpp), with a short ASCII text, a token's usual size, decided
  /// here byte by byte: the general check is a loop built for kilobytes.
  static bool IsPlainText(std::string_view text) {
    if (text.size() > 16) return IsPlainLongText(text);
    for (const char c : text) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == '"' || u == '\\') return false;
      if (u >= 0x80) return IsPlainLongText(text);  // UTF-8: validated in full
    }
    return true;
  }
  static bool IsPlainLongText(std::string_view text);

  /// The first byte from `p` that cannot be in a plain text as it is: '"', '\\' or a control byte
  /// (< 0x20); `end` when none. `high` is set when a byte >= 0x80 lies before it.
  static const char* FindTextStop(const char* p, const char* end, bool& high) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    for (; end - p >= 16; p += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const unsigned sign = static_cast<unsigned>(_mm_movemask_epi8(v));  // bytes >= 0x80
      // A signed compare: bytes < 0x20 and bytes >= 0x80 (negative); the latter are not stops.
      const unsigned below = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(v, space))) & ~sign;
      const unsigned stops = below | static_cast<unsigned>(_mm_movemask_epi8(
                                         _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash))));
      if (stops != 0) {
        const unsigned at = static_cast<unsigned>(__builtin_ctz(stops));
        high = high || (sign & ((1u << at) - 1)) != 0;
        return p + at;
      }
      high = high || sign != 0;
    }
#endif
    for (; p != end; ++p) {
      const auto u = static_cast<unsigned char>(*p);
      if (u < 0x20 || u == '"' || u == '\\') return p;
      high = high || u >= 0x80;
    }
    return end;
  }

  static constexpr std::size_t kCapacity = 448;
  std::uint16_t size_ = 0;      ///< 0: nothing remembered
  std::uint16_t text_at_ = 0;   ///< the text's first byte
  std::uint16_t text_len_ = 0;  ///< the remembered text's length
  bool one_line_ = false;       ///< the remembered bytes hold no CR or LF (MatchEvent needs that)
  std::array<char, kCapacity> bytes_{};
};

}  // namespace llmbench::protocol
