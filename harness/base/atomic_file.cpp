#include "base/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace llmbench {

void WriteFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::filesystem::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) throw WriteError("cannot create " + target.parent_path().string() + ": " + ec.message());
  }
  // Named per process and call: two writers of one file (two shards blessing one baseline) must
  // never write into the same temporary.
  static std::atomic<unsigned> calls{0};
  const std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(calls++);
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

DirectoryLock::DirectoryLock(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw WriteError("cannot create " + dir + ": " + ec.message());
  fd_ = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw WriteError("cannot open " + dir + ": " + std::strerror(errno));
  while (flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const std::string why = std::strerror(errno);
    close(fd_);
    throw WriteError("cannot lock " + dir + ": " + why);
  }
}

DirectoryLock::~DirectoryLock() { close(fd_); }  // closing releases the lock

}  // namespace llmbench
