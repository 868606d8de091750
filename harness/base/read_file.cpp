#include "base/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace llmbench {
namespace {

std::string Mib(std::uintmax_t bytes) { return fmt::format("{:.0f} MiB", static_cast<double>(bytes) / 1048576.0); }

}  // namespace

std::string ReadRegularFile(const std::string& path, std::uintmax_t max_bytes, const char* what) {
  // O_NONBLOCK: opening a FIFO without a writer must not hang; the type check below refuses it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw std::runtime_error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    throw std::runtime_error(fmt::format("{}: cannot read: {}", path, std::strerror(e)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw std::runtime_error(fmt::format("{}: {}, not a {}", path,
                                         S_ISDIR(st.st_mode)    ? "is a directory"
                                         : S_ISFIFO(st.st_mode) ? "is a FIFO"
                                         : S_ISSOCK(st.st_mode) ? "is a socket"
                                                                : "is a device",
                                         what));
  }
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  if (size > max_bytes) {
    ::close(fd);
    throw std::runtime_error(
        fmt::format("{}: {} bytes, more than the {} a {} may have", path, size, Mib(max_bytes), what));
  }
  std::string text;
  text.resize(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      throw std::runtime_error(fmt::format("{}: read error: {}", path, std::strerror(e)));
    }
    if (n == 0) break;  // shrank while read
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(done);
  return text;
}

}  // namespace llmbench
