// Files named on a command line, or found in the directories named there.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace llmbench {

/// Each path that is not a directory is returned as given (so a missing file is reported by
/// whoever opens it); each directory contributes its files that `match`, descending into
/// subdirectories when `recurse`, in name order.
std::vector<std::string> FindFiles(const std::vector<std::string>& paths,
                                   const std::function<bool(const std::filesystem::path&)>& match, bool recurse);

}  // namespace llmbench
