// What the prompt sources read from disk (datasets, traces): a whole file with a clear error, and
// its JSON lines one by one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace llmbench::prompt {

/// The file's bytes; anything that cannot be read (missing, a directory, too large) is an
/// InputError naming the file under key `what` ("dataset", "trace").
std::string ReadDataFile(const std::string& path, std::uintmax_t max_bytes, const char* what);

/// Calls on_row(row, line) for every line that is not blank (1-based line numbers); stops early
/// when on_row returns false.
void ForEachLine(std::string_view text, const std::function<bool(std::string_view row, int line)>& on_row);

}  // namespace llmbench::prompt
