// How the fuzz targets cut a response body into reads: fixed-size pieces, or one read per event
// as a server that writes an event at a time makes them (so that a read starts at every event,
// where the client's whole-event shortcut applies).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace llmbench::fuzz {

/// The body's reads for the selector byte `b`: with bit 6 set, cut before every line that starts
/// with "data:" and after every blank line; else pieces of 1 + b % 64 bytes.
inline std::vector<std::string_view> Pieces(std::string_view body, std::uint8_t b) {
  std::vector<std::string_view> pieces;
  if ((b & 0x40) == 0) {
    const std::size_t step = 1 + b % 64;
    for (std::size_t at = 0; at < body.size(); at += step) pieces.push_back(body.substr(at, step));
    return pieces;
  }
  std::size_t from = 0;
  for (std::size_t at = 1; at <= body.size(); ++at) {
    const bool line_start = at < body.size() && body[at - 1] == '\n';
    if (at == body.size() || (line_start && (body.compare(at, 5, "data:") == 0 || (at >= 2 && body[at - 2] == '\n')))) {
      pieces.push_back(body.substr(from, at - from));
      from = at;
    }
  }
  return pieces;
}

}  // namespace llmbench::fuzz
