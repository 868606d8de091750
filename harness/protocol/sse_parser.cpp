#include "protocol/sse_parser.hpp"

namespace llmbench::protocol {

bool SseParser::Line(std::string_view line) {
  if (line.empty()) {  // blank line: dispatch if any data was seen, else reset the type
    if (!has_data_) event_.clear();
    return has_data_;
  }
  if (line.front() == ':') {
    ++comments_;
    return false;
  }
  const auto colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_.assign(value);
  }
  // "retry" and unknown fields are ignored, as the spec says.
  return false;
}

void SseParser::ClearEvent() {
  data_.clear();
  event_.clear();
  has_data_ = false;
}

void SseParser::Reset() {
  partial_.clear();
  ClearEvent();
  id_.clear();
  skip_lf_ = false;
  comments_ = 0;
}

}  // namespace llmbench::protocol
