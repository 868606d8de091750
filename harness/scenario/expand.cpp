#include "scenario/expand.hpp"

#include <algorithm>

#include "base/hash.hpp"

namespace llmbench::scenario {
namespace {

void AddLabels(std::vector<std::string>& out, const std::vector<std::string>& labels) {
  for (const auto& l : labels) {
    if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  }
}

}  // namespace

std::vector<Case> Expand(const Scenario& scenario) {
  std::vector<Case> cases;
  for (const auto& engine : scenario.engines) {
    for (const auto& cls : scenario.classes) {
      if (!cls.engines.empty() && std::find(cls.engines.begin(), cls.engines.end(), engine.name) == cls.engines.end()) {
        continue;
      }
      Case c;
      c.id = scenario.name + "/" + engine.name + "/" + cls.name;
      c.scenario_name = scenario.name;
      c.scenario_file = scenario.file;
      c.engine = engine;
      c.prompt_class = cls;
      c.load = scenario.load;
      if (!cls.trace.empty()) {  // one level: the trace as recorded, no warm-up, no search
        c.load.trace_time_scale = cls.trace_time_scale;
        c.load.concurrency.clear();  // not run: not part of what it measured
        c.load.rate.clear();
        c.load.warmup = 0;
        c.load.slo_search.reset();
        c.load.sweep.reset();
      }
      c.slo = scenario.slo;
      c.gate = scenario.gate;
      c.checks = scenario.checks;
      AddLabels(c.labels, scenario.labels);
      AddLabels(c.labels, engine.labels);
      AddLabels(c.labels, cls.labels);
      // The prompt seed depends on the class, not the engine: every engine gets the same
      // prompts for a class, which is what a fair engine-to-engine comparison needs.
      c.prompt_seed = Fnv1a(cls.name, Fnv1a(std::to_string(scenario.load.seed)));
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

std::vector<Level> Case::AllLevels() const {
  std::vector<Level> out = load.Levels();
  if (load.slo_search) out.push_back(Level::Search());
  return out;
}

std::vector<std::string> Case::LevelTags() const {
  std::vector<std::string> tags;
  for (const auto& l : AllLevels()) {
    const std::string tag = SelectionTag(l);
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
  }
  return tags;
}

Nanoseconds CaseTimeBudget(const Case& c) {
  std::int64_t levels = 0;  // the selected ones; the search runs its probes
  for (const auto& l : c.AllLevels()) {
    if (c.Selected(l)) levels += l.search() ? c.load.slo_search->MaxProbes() : 1;
  }
  const auto runs = levels * c.load.repetitions;
  const std::int64_t attempts = c.gate.confirm ? 2 : 1;
  return (c.load.max_duration + 2 * c.load.timeout) * runs * attempts + std::chrono::seconds(30);
}

}  // namespace llmbench::scenario
