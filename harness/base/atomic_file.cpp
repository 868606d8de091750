#include "base/atomic_file.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace llmbench {

void WriteFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::filesystem::path target(path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
    write(out);
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, target);
}

}  // namespace llmbench
