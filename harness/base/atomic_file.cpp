#include "base/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace llmbench {

void WriteFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::filesystem::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) throw WriteError("cannot create " + target.parent_path().string() + ": " + ec.message());
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
    if (!out) throw WriteError("cannot write " + tmp + ": " + std::strerror(errno));
    write(out);
    errno = 0;
    out.flush();
    if (out) out.close();  // the last buffer reaches the disk here: a full disk shows now
    if (!out || out.fail()) {
      const std::string why = errno != 0 ? std::strerror(errno) : "write failed";
      std::filesystem::remove(tmp, ec);
      throw WriteError("cannot write " + path + ": " + why + " (the previous version, if any, is kept)");
    }
  }
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    const std::string why = ec.message();
    std::filesystem::remove(tmp, ec);
    throw WriteError("cannot replace " + path + ": " + why);
  }
}

}  // namespace llmbench
