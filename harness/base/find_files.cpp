#include "base/find_files.hpp"

#include <algorithm>

namespace llmbench {

std::vector<std::string> FindFiles(const std::vector<std::string>& paths,
                                   const std::function<bool(const std::filesystem::path&)>& match, bool recurse) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    if (!fs::is_directory(p)) {
      files.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    const auto add = [&](const fs::directory_entry& e) {
      if (e.is_regular_file() && match(e.path())) found.push_back(e.path().string());
    };
    if (recurse) {
      for (const auto& e : fs::recursive_directory_iterator(p)) add(e);
    } else {
      for (const auto& e : fs::directory_iterator(p)) add(e);
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace llmbench
