// Reading a whole input file with a clear error for every way it can fail: a directory, a FIFO
// or device (which would block or never end), no permission, too large, a read error.
#pragma once

#include <cstdint>
#include <string>

namespace llmbench {

/// The whole content of the regular file at `path` (symbolic links followed). Throws
/// std::runtime_error whose message names the path and says why it cannot be read, e.g.
/// "scenarios: is a directory, not a file" or "x.toml: 104857600 bytes, more than the 16 MiB a
/// scenario file may have".
std::string ReadRegularFile(const std::string& path, std::uintmax_t max_bytes, const char* what = "file");

}  // namespace llmbench
