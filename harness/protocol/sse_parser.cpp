#include "protocol/sse_parser.hpp"

namespace llmbench::protocol {

bool SseParser::Line(std::string_view line) {
  if (json_lines_) {  // one JSON value per line; blank lines are nothing
    if (line.empty()) return false;
    data_.assign(line);
    has_data_ = true;
    return true;
  }
  if (line.empty()) {  // blank line: dispatch if the event has data (or an error), else reset it
    if (Ready()) return true;
    ClearEvent();
    return false;
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
    if (has_error_) return false;  // the error's text is the event's data
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    if (!has_error_) event_.assign(value);
  } else if (field == "error") {
    // Not a WHATWG field: llama.cpp's `error: {...}`. The event becomes an error event.
    if (!has_error_) {
      data_.assign(value);
      has_error_ = true;
    }
    event_.assign("error");
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
  has_error_ = false;
}

const char* SseParser::SkipBom(const char* p, const char* end) {
  static constexpr char kBom[] = "\xEF\xBB\xBF";
  while (p != end && bom_seen_ >= 0) {
    if (*p != kBom[bom_seen_]) {  // not a BOM: what matched so far is the start of a line
      partial_.append(kBom, static_cast<std::size_t>(bom_seen_));
      bom_seen_ = -1;
      break;
    }
    ++p;
    if (++bom_seen_ == 3) bom_seen_ = -1;
  }
  return p;
}

void SseParser::Reset(Framing framing) {
  json_lines_ = framing == Framing::JsonLines;
  whole_body_ = framing == Framing::WholeBody;
  partial_.clear();
  ClearEvent();
  id_.clear();
  skip_lf_ = false;
  bom_seen_ = 0;
  comments_ = 0;
}

}  // namespace llmbench::protocol
