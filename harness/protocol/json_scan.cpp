#include "protocol/json_scan.hpp"

namespace llmbench::protocol {

simdjson::simdjson_result<simdjson::ondemand::document> JsonScratch::Iterate(std::string_view json) {
  if (buffer_.size() < json.size() + simdjson::SIMDJSON_PADDING) {
    buffer_.resize(json.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(buffer_.data(), json.data(), json.size());
  // simdjson may read into the padding (an atom at the end of a malformed document): blank it,
  // or what an earlier, longer event left there decides this one's verdict.
  std::memset(buffer_.data() + json.size(), ' ', simdjson::SIMDJSON_PADDING);
  return parser_.iterate(buffer_.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING);
}

bool IsPlainJsonString(std::string_view s) {
  // No early exit: a loop the compiler can vectorise (prompts run to kilobytes).
  bool special = false;
  unsigned char high = 0;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    special |= (u < 0x20) | (u == '"') | (u == '\\');
    high |= u;
  }
  return !special && (high < 0x80 || simdjson::validate_utf8(s.data(), s.size()));
}

double NumberOr(simdjson::ondemand::value value, double fallback) {
  double d = 0;
  if (value.get_double().get(d) == simdjson::SUCCESS) return d;
  return fallback;
}

double NumberOr(simdjson::simdjson_result<simdjson::ondemand::value> value, double fallback) {
  simdjson::ondemand::value v;
  if (value.get(v) != simdjson::SUCCESS) return fallback;
  return NumberOr(v, fallback);
}

}  // namespace llmbench::protocol
