// The engines of one `llmbench run` that have [launch]: each started before its first case and
// stopped after its last, or when the run ends early (an exception, a SIGINT or SIGTERM of
// llmbench, which is passed on to them), so no engine outlives the run that started it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipeline/engine_launch.hpp"
#include "scenario/expand.hpp"

namespace llmbench::pipeline {

class EngineLifecycle {
 public:
  /// `cases` in the order they will run; `off`: the engines run already (a CTest fixture started
  /// them); default logs go to `log_dir`/<engine>.log.
  EngineLifecycle(const std::vector<scenario::Case>& cases, bool off, std::string log_dir);
  ~EngineLifecycle();
  EngineLifecycle(const EngineLifecycle&) = delete;
  EngineLifecycle& operator=(const EngineLifecycle&) = delete;

  /// Before case i: launches its engine if it has [launch] and is not running yet; a launch that
  /// fails is recorded in `failures` (engine name → why), and not tried again.
  void Before(const scenario::Case& c, std::map<std::string, std::string>& failures);
  /// After case i: stops its engine when that was the engine's last case.
  void After(std::size_t i, const scenario::Case& c);

 private:
  bool off_;
  std::string log_dir_;
  std::map<std::string, std::size_t> last_case_;
  std::map<std::string, LaunchedProcess> running_;
};

}  // namespace llmbench::pipeline
