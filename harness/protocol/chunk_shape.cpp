#include "protocol/chunk_shape.hpp"

#include "protocol/json_scan.hpp"

namespace llmbench::protocol {

void ChunkShape::Learn(std::string_view data, std::size_t text_at, std::size_t text_len) {
  size_ = 0;
  one_line_ = false;
  if (data.size() > kCapacity || text_at + text_len > data.size() || text_len == 0) return;
  std::memcpy(bytes_.data(), data.data(), data.size());
  text_at_ = static_cast<std::uint16_t>(text_at);
  text_len_ = static_cast<std::uint16_t>(text_len);
  size_ = static_cast<std::uint16_t>(data.size());
  // Data joined from several "data:" lines holds a '\n': its shape still serves Match.
  one_line_ =
      std::memchr(data.data(), '\n', data.size()) == nullptr && std::memchr(data.data(), '\r', data.size()) == nullptr;
}

bool ChunkShape::IsPlainLongText(std::string_view text) { return IsPlainJsonString(text); }

}  // namespace llmbench::protocol
