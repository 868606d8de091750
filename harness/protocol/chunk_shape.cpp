#include "protocol/chunk_shape.hpp"

#include <cstring>

#include "protocol/json_scan.hpp"

namespace llmbench::protocol {

void ChunkShape::Learn(std::string_view data, std::size_t text_at, std::size_t text_len) {
  size_ = 0;
  if (data.size() > kCapacity || text_at + text_len > data.size() || text_len == 0) return;
  std::memcpy(bytes_.data(), data.data(), data.size());
  text_at_ = static_cast<std::uint16_t>(text_at);
  text_len_ = static_cast<std::uint16_t>(text_len);
  size_ = static_cast<std::uint16_t>(data.size());
}

std::string_view ChunkShape::Match(std::string_view data) const {
  if (size_ == 0) return {};
  const std::size_t after = size_ - text_at_ - text_len_;  // bytes after the text
  if (data.size() <= text_at_ + after) return {};          // no room for a non-empty text
  const std::size_t text_len = data.size() - text_at_ - after;
  if (std::memcmp(data.data(), bytes_.data(), text_at_) != 0 ||
      std::memcmp(data.data() + text_at_ + text_len, bytes_.data() + text_at_ + text_len_, after) != 0) {
    return {};
  }
  const std::string_view text = data.substr(text_at_, text_len);
  return IsPlainJsonString(text) ? text : std::string_view{};
}

}  // namespace llmbench::protocol
