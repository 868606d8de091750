// Files that readers never see half-written: write a temporary beside it, then rename.
#pragma once

#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>

namespace llmbench {

/// A file could not be written (disk full, read-only, I/O error): what the message names, with
/// the system's reason. Distinct from bad input: something may have been measured already.
class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Calls `write` on a stream to a temporary beside `path`, then renames it over `path` (creating parent
/// directories). Throws WriteError (the temporary removed, `path` untouched) when the file
/// cannot be written.
void WriteFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);

/// An exclusive lock on a directory (flock; created if missing), held until destruction: for a
/// read-modify-write of a file in it that other processes may do at the same time. Waits for
/// the holder; throws WriteError when the directory cannot be made or locked.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& dir);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace llmbench
