#include "report/run_dirs.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <algorithm>

#include <ctime>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <system_error>

namespace llmbench::report {
namespace {

namespace fs = std::filesystem;

void Check(const std::error_code& ec, const std::string& what) {
  if (ec) throw std::runtime_error(fmt::format("{}: {}", what, ec.message()));
}

// A run folder's name ("20261207T063000.123Z-3fa9c1", "…-earlier"): other folders under runs/
// are the user's, never listed or pruned.
bool IsRunName(const std::string& name) {
  static const std::regex pattern(R"(\d{8}T\d{6}(\.\d{3})?Z-[0-9a-z]+(-earlier)?)");
  return std::regex_match(name, pattern);
}

// A folder's modification time as a run name's stamp ("20261207T063000.000Z").
std::string StampOf(const fs::path& dir) {
  struct stat st {};
  std::time_t t = stat(dir.c_str(), &st) == 0 ? st.st_mtime : 0;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}.000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

// The run folder latest points at ("" when it points nowhere).
std::string LatestName(const fs::path& reports) {
  std::error_code ec;
  const fs::path latest = reports / "latest";
  if (!fs::is_symlink(fs::symlink_status(latest, ec))) return "";
  return fs::read_symlink(latest, ec).filename().string();
}

}  // namespace

std::string RunDirName(const std::string& utc_compact, const std::string& id) { return utc_compact + "-" + id; }

std::string NewRunDir(const std::string& reports_dir, const std::string& name) {
  const fs::path reports(reports_dir);
  const fs::path runs = reports / "runs";
  std::error_code ec;
  fs::create_directories(runs, ec);
  Check(ec, "cannot create " + runs.string());
  const fs::path latest = reports / "latest";
  const auto status = fs::symlink_status(latest, ec);
  if (fs::exists(status) && !fs::is_symlink(status)) {
    if (!fs::is_directory(status))
      throw std::runtime_error(latest.string() + " exists and is not a folder or a link: move it away");
    // Results from before run folders: kept, named for when they were written (older than this run).
    fs::rename(latest, runs / RunDirName(StampOf(latest), "moved-earlier"), ec);
    Check(ec, "cannot move " + latest.string() + " into " + runs.string());
  }
  const fs::path dir = runs / name;
  if (!fs::create_directory(dir, ec)) {
    Check(ec, "cannot create " + dir.string());
    throw std::runtime_error(dir.string() + " exists already");
  }
  // A new link beside the old one, renamed over it: latest is never missing.
  const fs::path link = reports / (".latest-" + name);
  fs::remove(link, ec);
  fs::create_directory_symlink(fs::path("runs") / name, link, ec);
  Check(ec, "cannot create the link " + link.string());
  fs::rename(link, latest, ec);
  Check(ec, "cannot point " + latest.string() + " at " + dir.string());
  return dir.string();
}

std::vector<std::string> ListRunDirs(const std::string& reports) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(reports) / "runs", ec)) {
    if (e.is_directory() && IsRunName(e.path().filename().string())) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> PruneRunDirs(const std::string& reports, std::size_t keep) {
  std::vector<std::string> removed;
  if (keep == 0) return removed;
  auto runs = ListRunDirs(reports);
  const std::string latest = LatestName(reports);
  for (std::size_t i = 0; runs.size() - removed.size() > keep && i < runs.size(); ++i) {
    if (runs[i] == latest) continue;
    std::error_code ec;
    fs::remove_all(fs::path(reports) / "runs" / runs[i], ec);
    Check(ec, "cannot delete " + (fs::path(reports) / "runs" / runs[i]).string());
    removed.push_back(runs[i]);
  }
  return removed;
}

}  // namespace llmbench::report
