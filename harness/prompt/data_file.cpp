#include "prompt/data_file.hpp"

#include <algorithm>
#include <stdexcept>

#include "base/diagnostic.hpp"
#include "base/read_file.hpp"

namespace llmbench::prompt {

std::string ReadDataFile(const std::string& path, std::uintmax_t max_bytes, const char* what) {
  try {
    return ReadRegularFile(path, max_bytes, what);
  } catch (const std::runtime_error& e) {
    throw InputError({{path, 0, 0, what, e.what(), "the path is relative to the scenario's folder"}});
  }
}

void ForEachLine(std::string_view text, const std::function<bool(std::string_view row, int line)>& on_row) {
  std::size_t start = 0;
  int line = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    ++line;
    const std::string_view row = text.substr(start, end - start);
    start = end + 1;
    if (row.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (!on_row(row, line)) return;
  }
}

}  // namespace llmbench::prompt
