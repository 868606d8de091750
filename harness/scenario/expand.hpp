// Scenario → cases: one case per engine × prompt class, the unit CTest runs and reports.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace llmbench::scenario {

/// One benchmark case: what runs for one engine and one prompt class, with its effective load.
struct Case {
  std::string id;  ///< "scenario/engine/class": the CTest test name and the results path
  std::string scenario_name;
  std::string scenario_file;
  Engine engine;
  PromptClass prompt_class;
  Load load;
  Slo slo;
  GateSettings gate;
  Checks checks;
  std::vector<std::string> labels;  ///< scenario + engine + class labels, deduplicated
  std::uint64_t prompt_seed = 0;    ///< derived from load.seed and the class name
  /// Only the levels with these SelectionTags run (`llmbench run --level`, a level-split CTest
  /// test); empty = all. Not part of what the case measures: its id, fingerprint and baseline
  /// are the whole case's.
  std::vector<std::string> only_levels;

  /// Every level of the case in run order, the search last (Level::Search) when it has one.
  std::vector<Level> AllLevels() const;
  /// Their SelectionTags, each once, in run order: what --level can select.
  std::vector<std::string> LevelTags() const;
  bool Selected(const Level& l) const {
    return only_levels.empty() ||
           std::find(only_levels.begin(), only_levels.end(), SelectionTag(l)) != only_levels.end();
  }
};

/// Every case, in file order (engines outer, classes inner); classes restricted by `engines`.
std::vector<Case> Expand(const Scenario& scenario);

/// Upper bound of a case's run time: every level's max_duration plus request timeouts, times
/// repetitions and the confirming attempt, used
/// as the CTest TIMEOUT so that a hung engine fails the test instead of the CI job.
Nanoseconds CaseTimeBudget(const Case& c);

}  // namespace llmbench::scenario
