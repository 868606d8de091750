// simdjson on-demand wrapper for decoding stream events on the hot path (~0.1 µs an event;
// a full DOM parse costs ~2 µs, which the 1 M events/s target cannot afford).
#pragma once

#include <simdjson.h>

#include <cstring>
#include <string>
#include <string_view>

namespace llmbench::protocol {

/// A reusable parser plus a padded copy buffer (simdjson reads up to SIMDJSON_PADDING bytes
/// past the end). Not thread-safe.
class JsonScratch {
 public:
  /// Parses `json`; the returned document is valid until the next call.
  simdjson::simdjson_result<simdjson::ondemand::document> Iterate(std::string_view json);

 private:
  simdjson::ondemand::parser parser_;
  std::string buffer_;
};

/// Reads a number field as double whether the JSON holds an integer or a float; nullopt-like -1
/// when absent, null or of another type.
double NumberOr(simdjson::ondemand::value value, double fallback);

/// True when the whole document was consumed: no trailing bytes after the root value.
inline bool AtEnd(simdjson::ondemand::document& doc) {
  const char* location = nullptr;
  return doc.is_alive() && doc.current_location().get(location) != simdjson::SUCCESS;
}

/// Seconds (double) to integer nanoseconds.
inline std::int64_t SecondsToNs(double s) { return static_cast<std::int64_t>(s * 1e9 + 0.5); }

}  // namespace llmbench::protocol
