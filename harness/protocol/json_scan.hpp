// simdjson on-demand wrapper for decoding stream events on the hot path (~0.1 µs an event;
// a full DOM parse costs ~2 µs, which the 1 M events/s target cannot afford).
#pragma once

#include <simdjson.h>

#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace llmbench::protocol {

/// An object key as written in the JSON, compared without unescaping (`key == "choices"`), as
/// simdjson's own find_field does: unescaping every key cost a quarter of the decoding on the
/// hot path, and no server escapes the ASCII names of its fields.
using JsonKey = simdjson::ondemand::raw_json_string;

/// A reusable parser plus a padded copy buffer (simdjson reads up to SIMDJSON_PADDING bytes
/// past the end). Not thread-safe.
class JsonScratch {
 public:
  /// Parses `json`; the returned document is valid until the next call.
  simdjson::simdjson_result<simdjson::ondemand::document> Iterate(std::string_view json);
  /// Where the last Iterate's copy starts: a token's offset in the input is its pointer minus this.
  const char* copy() const { return buffer_.data(); }

 private:
  simdjson::ondemand::parser parser_;
  std::string buffer_;
};

/// Reads a number field as double whether the JSON holds an integer or a float; nullopt-like -1
/// when absent, null or of another type.
double NumberOr(simdjson::ondemand::value value, double fallback);
/// The same for a field's value still wrapped in its result (`field.value()`): an error is the
/// fallback, never an exception.
double NumberOr(simdjson::simdjson_result<simdjson::ondemand::value> value, double fallback);

/// True when `s` can stand between a JSON string's quotes as it is and means itself: no quote,
/// backslash or control byte (< 0x20), and valid UTF-8. (Exactly the strings nlohmann's dump
/// writes unchanged, as it escapes neither '/' nor DEL nor non-ASCII by default.)
bool IsPlainJsonString(std::string_view s);

/// True when the whole document was consumed: no trailing bytes after the root value.
inline bool AtEnd(simdjson::ondemand::document& doc) {
  const char* location = nullptr;
  return doc.is_alive() && doc.current_location().get(location) != simdjson::SUCCESS;
}

/// A number as a whole count (tokens, ns): -1 when absent, negative, NaN or beyond int64. A
/// server's nonsense is "not reported", never an out-of-range conversion (undefined behaviour;
/// found by fuzz_stream_decoders).
inline std::int64_t WholeOr(double v) { return v >= 0 && v < 9.2e18 ? static_cast<std::int64_t>(v) : -1; }
template <class Value>
std::int64_t CountOr(Value&& v) {
  return WholeOr(NumberOr(std::forward<Value>(v), -1));
}

/// Seconds (double) to integer nanoseconds; -1 (not reported) when negative or beyond 292 years.
inline std::int64_t SecondsToNs(double s) {
  return s >= 0 && s < 9.2e9 ? static_cast<std::int64_t>(s * 1e9 + 0.5) : -1;
}

}  // namespace llmbench::protocol
