#include "pipeline/gpu_probe.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

extern char** environ;

namespace llmbench::pipeline {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseNumber(std::string_view s, double& out) {
  s = Trim(s);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

void GpuUsageParser::Line(std::string_view line) {
  double fields[3];
  for (int i = 0; i < 3; ++i) {
    const auto comma = line.find(',');
    if ((comma == std::string_view::npos) != (i == 2)) return;
    if (!ParseNumber(line.substr(0, comma), fields[i])) return;
    if (comma != std::string_view::npos) line.remove_prefix(comma + 1);
  }
  const int index = static_cast<int>(fields[0]);
  if (index <= last_index_) {  // a new sample begins
    max_memory_ = std::isnan(max_memory_) ? sample_memory_ : std::max(max_memory_, sample_memory_);
    sample_memory_ = 0;
  }
  if (index == 0 || last_index_ < 0) ++samples_;
  last_index_ = index;
  gpus_ = std::max(gpus_, index + 1);
  util_sum_ += fields[1];
  ++util_count_;
  sample_memory_ += fields[2];
}

GpuUsage GpuUsageParser::Result() const {
  GpuUsage u;
  if (util_count_ == 0) return u;
  u.utilization_pct = util_sum_ / util_count_;
  u.memory_used_mib = std::isnan(max_memory_) ? sample_memory_ : std::max(max_memory_, sample_memory_);
  u.gpus = gpus_;
  u.samples = samples_;
  return u;
}

struct GpuSampler::Impl {
  pid_t pid = 0;
  int fd = -1;
  std::thread reader;
  std::mutex mutex;
  GpuUsageParser parser;

  void Read() {
    std::string pending;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      pending.append(buffer, static_cast<std::size_t>(n));
      std::size_t start = 0;
      for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::lock_guard lock(mutex);
        parser.Line(std::string_view(pending).substr(start, nl - start));
      }
      pending.erase(0, start);
    }
  }
};

std::string GpuSampler::Find() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::string_view dirs(path);
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/nvidia-smi";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

GpuSampler::GpuSampler(const std::string& program, std::chrono::milliseconds every) : impl_(std::make_unique<Impl>()) {
  if (program.empty()) return;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> args{program, "--query-gpu=index,utilization.gpu,memory.used",
                                "--format=csv,noheader,nounits", "-lms", std::to_string(every.count())};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int error = posix_spawn(&impl_->pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (error != 0) {
    ::close(fds[0]);
    impl_->pid = 0;
    return;
  }
  impl_->fd = fds[0];
  impl_->reader = std::thread([impl = impl_.get()] { impl->Read(); });
}

GpuSampler::~GpuSampler() { Stop(); }

GpuUsage GpuSampler::Stop() {
  if (impl_->pid > 0) {
    ::kill(impl_->pid, SIGTERM);
    int status = 0;
    ::waitpid(impl_->pid, &status, 0);
    impl_->pid = 0;
  }
  if (impl_->reader.joinable()) impl_->reader.join();  // the pipe's writer is gone: read() ends
  if (impl_->fd >= 0) {
    ::close(impl_->fd);
    impl_->fd = -1;
  }
  std::lock_guard lock(impl_->mutex);
  return impl_->parser.Result();
}

}  // namespace llmbench::pipeline
