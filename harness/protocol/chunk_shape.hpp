// A stream's last plain text chunk, kept so that the next chunk of the same shape is decoded
// without a JSON parse: the hot path of the OpenAI-compatible decoders.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

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

  void Forget() { size_ = 0; }

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

  static constexpr std::size_t kCapacity = 448;
  std::uint16_t size_ = 0;      ///< 0: nothing remembered
  std::uint16_t text_at_ = 0;   ///< the text's first byte
  std::uint16_t text_len_ = 0;  ///< the remembered text's length
  std::array<char, kCapacity> bytes_{};
};

}  // namespace llmbench::protocol
