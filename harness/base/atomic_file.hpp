// Files that readers never see half-written: write a temporary beside it, then rename.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace llmbench {

/// Calls `write` on a stream to `path`.tmp, then renames it over `path` (creating parent
/// directories). Throws std::runtime_error when the file cannot be written.
void WriteFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace llmbench
