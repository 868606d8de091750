// Every run of the CTest suite keeps its own folder: REPORTS/runs/<UTC time>-<id>/, with
// REPORTS/latest pointing at the newest. Nothing of an earlier run is deleted, except by an
// explicit prune (`llmbench runs prune`, or a configured count of runs to keep).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace llmbench::report {

/// A run folder's name: "20261207T063000.123Z-3fa9c1" (sorts by time).
std::string RunDirName(const std::string& utc_compact, const std::string& id);

/// Creates REPORTS/runs/<name>/ and points REPORTS/latest at it (replaced atomically; a real
/// folder named latest, from before runs existed, is moved into runs/ first, named for its own
/// modification time: "<its time>-moved-earlier"). Returns the new folder's path. Throws std::runtime_error saying what
/// failed.
std::string NewRunDir(const std::string& reports, const std::string& name);

/// The run folders under REPORTS/runs/, oldest first (folders not named like runs are left alone).
std::vector<std::string> ListRunDirs(const std::string& reports);

/// Deletes the oldest run folders until `keep` remain (never the one latest points at);
/// returns the names deleted. keep = 0 deletes nothing.
std::vector<std::string> PruneRunDirs(const std::string& reports, std::size_t keep);

}  // namespace llmbench::report
