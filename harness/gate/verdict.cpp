#include "gate/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "gate/json_codec.hpp"

namespace llmbench::gate {
namespace {

std::string Percent(double x) { return fmt::format("{:+.1f}%", x * 100); }

std::string Label(const Comparison& c) { return c.statistic.empty() ? c.metric : c.metric + "." + c.statistic; }

std::string Regression(const Comparison& c) {
  const bool rate = c.method == "two-proportion z";
  return fmt::format("{} at {} regressed {}{} ({:.4g} → {:.4g}, 95% CI {} … {}, {}/{} {}, p={:.2g})", Label(c),
                     scenario::Describe(c.load_level),
                     rate ? fmt::format("{:+.2f} pt", c.change * 100) : Percent(c.change), "", c.base, c.run,
                     rate ? fmt::format("{:+.2f} pt", c.ci_low * 100) : Percent(c.ci_low),
                     rate ? fmt::format("{:+.2f} pt", c.ci_high * 100) : Percent(c.ci_high), c.n_base, c.n_run,
                     rate ? "requests" : "runs", c.p_worse);
}

// The longest "why" among a level's busy runs, for the note.
std::string BusyWhy(const std::vector<const RunData*>& runs) {
  std::string why;
  for (const RunData* r : runs) {
    if (r->host.busy && r->host.why.size() > why.size()) why = r->host.why;
  }
  return why;
}

using Key = std::tuple<std::string, std::string, scenario::Level>;
Key KeyOf(const Comparison& c) { return {c.metric, c.statistic, c.load_level}; }

bool FailedOnRegressionsOnly(const CaseVerdict& v) {
  if (v.outcome != Outcome::Failed) return false;
  if (std::any_of(v.thresholds.begin(), v.thresholds.end(), [](const auto& t) { return !t.passed; })) return false;
  return std::any_of(v.comparisons.begin(), v.comparisons.end(),
                     [](const auto& c) { return c.verdict == Change::Regressed; });
}

}  // namespace

std::string_view ToString(Outcome o) {
  switch (o) {
    case Outcome::Passed:
      return "passed";
    case Outcome::Failed:
      return "failed";
    case Outcome::Error:
      return "error";
    case Outcome::Skipped:
      return "skipped";
    case Outcome::Inconclusive:
      return "inconclusive";
  }
  return "?";
}

// How far a sweep point's rate may be off the baseline's and still be gated.
constexpr double kSweepRateMatch = 0.05;

std::vector<Comparison> CompareCases(const CaseData& baseline, const CaseData& run) {
  std::vector<Comparison> out;
  // Runs are interleaved: when half the case's runs or more were busy, the clean ones ran in the
  // same disturbed minutes, just under the limits (a quiet level between busy ones), so every
  // level counts as busy.
  const auto busy_runs = std::count_if(run.runs.begin(), run.runs.end(), [](const RunData& r) { return r.host.busy; });
  const bool attempt_busy = !run.runs.empty() && 2 * busy_runs >= static_cast<long>(run.runs.size());
  const std::vector<scenario::Level> run_levels = run.Levels();
  for (const scenario::Level& level : run_levels) {
    std::vector<const RunData*> base, clean, busy;
    for (const auto& r : baseline.runs) {
      if (r.load_level == level && r.rejected.empty()) base.push_back(&r);
    }
    if (base.empty()) continue;
    for (const auto& r : run.runs) {
      if (r.load_level == level) (r.host.busy ? busy : clean).push_back(&r);
    }
    // Clean runs are judged alone only when they are at least two and the majority: a lone
    // clean run between busy ones ran in the same disturbed minute, just under the limits.
    const bool all_busy = attempt_busy || (!busy.empty() && (clean.size() < 2 || clean.size() < busy.size()));
    std::vector<const RunData*> everything = clean;
    everything.insert(everything.end(), busy.begin(), busy.end());
    const auto& used = all_busy ? everything : clean;
    // A sweep's point between its ends runs at a rate its run measured: near the knee latency
    // moves steeply with it, so a point whose rate is off the baseline's by more than
    // kSweepRateMatch is compared, not gated (its ends, and fixed `rate` levels, are).
    std::string rate_shift;
    if (level.sweep() && level.open()) {
      const auto mean_rate = [](const std::vector<const RunData*>& runs) {
        double sum = 0;
        for (const RunData* r : runs) sum += r->load_level.rate;
        return runs.empty() ? 0.0 : sum / static_cast<double>(runs.size());
      };
      const double b = mean_rate(base), r = mean_rate(used);
      if (b > 0 && r > 0 && std::abs(r / b - 1) > kSweepRateMatch) {
        rate_shift = fmt::format(
            "this run placed the point at {:.4g} arrivals/s, the baseline at {:.4g} ({:+.1f} %): compared, "
            "not gated",
            r, b, (r / b - 1) * 100);
      }
    }
    for (const auto& g : kGatedMetrics) {
      const std::string key = g.Key();
      std::vector<double> bv, rv;
      std::vector<std::string> sessions;
      std::int64_t fewest = -1;
      for (const RunData* r : base) {
        if (auto it = r->values.find(key); it != r->values.end()) {
          bv.push_back(it->second);
          sessions.push_back(r->session);
        }
      }
      for (const RunData* r : used) {
        if (auto it = r->values.find(key); it != r->values.end()) rv.push_back(it->second);
        if (auto it = r->samples.find(key); it != r->samples.end())
          fewest = fewest < 0 ? it->second : std::min(fewest, it->second);
      }
      // A statistic neither side has at this level (the search's result at a load level, a
      // level's latencies at the search) is not a comparison.
      if (bv.empty() && rv.empty() && fewest < 0) continue;
      // A search that found no rate meeting the SLO (below min_rate) has no value to compare:
      // against a baseline that found one, that is the largest capacity regression there is.
      const auto found_none = [&](const RunData* r) { return !r->values.count(key); };
      if (level.search() && !bv.empty() && std::any_of(used.begin(), used.end(), found_none)) {
        Comparison c;
        c.metric = g.metric;
        c.load_level = level;
        c.n_base = bv.size();
        c.n_run = used.size();
        c.tolerance = g.tolerance;
        c.lower_is_better = false;
        c.base = bv.front();
        c.run = 0;
        c.change = c.ci_low = c.ci_high = -1;
        c.p_worse = 0;
        c.significant = true;
        c.method = "search below min_rate";
        c.verdict = Change::Regressed;
        c.note =
            fmt::format("{} of {} searches found no rate meeting the SLO (below min_rate); the baseline's found {:.4g}",
                        std::count_if(used.begin(), used.end(), found_none), used.size(), c.base);
        out.push_back(std::move(c));
        continue;
      }
      Comparison c = CompareRuns(g.metric, g.Statistic(), bv, rv, g.tolerance, g.lower_is_better, sessions);
      c.load_level = level;
      c.gating = g.gating && rate_shift.empty();
      c.decisive = g.decisive;
      c.all_busy = all_busy;
      c.busy_excluded = all_busy ? 0 : busy.size();
      if (c.verdict == Change::Insufficient && g.q >= 0 && fewest >= 0 &&
          fewest < static_cast<std::int64_t>(MinSamples(g.q))) {
        c.note = fmt::format("{} needs {} successful requests per run, a run had {}: raise load.requests", c.statistic,
                             MinSamples(g.q), fewest);
      }
      if (!all_busy && !busy.empty()) {
        c.note +=
            (c.note.empty() ? "" : "; ") + fmt::format("{} busy run(s) left out ({})", busy.size(), BusyWhy(busy));
      }
      if (!rate_shift.empty()) c.note += (c.note.empty() ? "" : "; ") + rate_shift;
      out.push_back(std::move(c));
    }
    if (level.search()) continue;  // its probes' errors count as SLO misses, not as an error rate
    std::int64_t be = 0, br = 0, re = 0, rr = 0;
    for (const RunData* r : base) be += r->errors, br += r->requests;
    for (const RunData* r : used) re += r->errors, rr += r->requests;
    Comparison e = CompareErrorRate(be, br, re, rr, kErrorRateTolerance);
    e.load_level = level;
    if (!rate_shift.empty()) {  // errors at another load are another measurement too
      e.gating = false;
      if (e.verdict == Change::Regressed) e.verdict = Change::Warn;
      e.note += (e.note.empty() ? "" : "; ") + rate_shift;
    }
    e.all_busy = all_busy;
    out.push_back(std::move(e));
  }
  // Holm across the case's gated, testable comparisons (the error rate has its own test).
  std::vector<std::size_t> family;
  std::vector<double> p;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].gating && out[i].method != "two-proportion z" && out[i].method != "search below min_rate" &&
        out[i].verdict != Change::Insufficient) {
      family.push_back(i);
      p.push_back(out[i].p_worse);
    }
  }
  // A run of some of the case's levels (a shard, `llmbench run --level`): the baseline's other
  // levels belong to the family too, judged by other shards; as many comparisons per level as
  // here, counted as untested, keep the whole case at its family-wise level.
  std::set<scenario::Level> tested;
  for (const std::size_t i : family) tested.insert(out[i].load_level);
  std::size_t elsewhere = 0;
  for (const auto& level : baseline.Levels()) elsewhere += !std::count(run_levels.begin(), run_levels.end(), level);
  const std::size_t untested = tested.empty() ? 0 : (family.size() * elsewhere + tested.size() - 1) / tested.size();
  const auto rejected = Holm(p, kFamilyAlpha, untested);
  for (std::size_t k = 0; k < family.size(); ++k) out[family[k]].significant = rejected[k];
  // MDEs at the Bonferroni level (Holm's first step): below the tolerance, a change beyond it
  // is significant whatever the other comparisons do.
  const double alpha = kFamilyAlpha / static_cast<double>(std::max<std::size_t>(family.size() + untested, 1));
  for (auto& c : out) {
    if (c.method != "two-proportion z" && c.method != "search below min_rate") Decide(c, alpha);
    // On a busy runner a worse-than-tolerance reading cannot be told from the runner's own
    // slowness; a small significant change within the tolerance (warn) still passes.
    const double worse = c.lower_is_better ? c.change : -c.change;
    if (c.all_busy && c.gating &&
        (c.verdict == Change::Regressed || c.verdict == Change::Inconclusive ||
         (c.verdict == Change::Warn && worse > c.tolerance))) {
      c.note = fmt::format("{} looks {} but the runs of this level ran on a busy runner{}", Label(c), Percent(c.change),
                           c.note.empty() ? "" : "; " + c.note);
      c.verdict = Change::Inconclusive;
      c.decisive = true;  // a worse verdict overridden by a busy runner is never a silent pass
    }
  }
  return out;
}

std::string FingerprintMismatch(const Fingerprint& b, const Fingerprint& r) {
  if (b.settings != r.settings) return "the case's settings changed (class, load levels, seed, engine options)";
  if (b.engine != r.engine) return fmt::format("engine '{}' vs baseline '{}'", r.engine, b.engine);
  if (b.hardware != r.hardware) return fmt::format("hardware '{}' vs baseline '{}'", r.hardware, b.hardware);
  if (b.harness != r.harness) return fmt::format("llmbench {} vs baseline {}", r.harness, b.harness);
  if (!b.served_model.empty() && !r.served_model.empty() && b.served_model != r.served_model) {
    return fmt::format("the engine serves '{}', the baseline was measured with '{}'", r.served_model, b.served_model);
  }
  return "";
}

// The verdict from thresholds and the baseline comparison (Judge adds the open-loop validity).
static CaseVerdict JudgeMeasured(const JudgeInput& in) {
  CaseVerdict v;
  v.case_id = in.case_id;
  v.thresholds = in.thresholds;
  if (in.run) v.attempt = std::max(1, in.run->LastAttempt());
  if (in.run_status == "skipped") {
    v.outcome = Outcome::Skipped;
    v.reasons.push_back(in.run_message);
    v.baseline_state = "not compared";
    return v;
  }
  if (in.run_status != "passed") {
    v.outcome = Outcome::Error;
    v.reasons.push_back(in.run_message);
  }
  for (const auto& t : v.thresholds) {
    if (!t.passed) {
      if (v.outcome == Outcome::Passed) v.outcome = Outcome::Failed;
      if (!t.check.empty()) {
        v.reasons.push_back(fmt::format("correctness check '{}' failed at {}: {} (rule {})", t.check,
                                        scenario::Describe(t.load_level),
                                        std::isnan(t.measured) ? std::string("nothing to check it on")
                                                               : fmt::format("measured {:.4g} {}", t.measured, t.unit),
                                        t.rule));
      } else {
        v.reasons.push_back(fmt::format("threshold '{}' broken at {}: measured {:.4g} {}", t.rule,
                                        scenario::Describe(t.load_level), t.measured, t.unit));
      }
    }
  }
  if (in.baseline_path.empty()) {
    v.baseline_state = "not requested";
    return v;
  }
  if (!in.baseline) {
    v.baseline_state = "missing";
    v.baseline_detail = in.baseline_path;
    if (in.options.strict && v.outcome == Outcome::Passed) {
      v.outcome = Outcome::Failed;
      v.reasons.push_back("no baseline at " + in.baseline_path + " (strict mode)");
    }
    return v;
  }
  if (const std::string why = in.run ? FingerprintMismatch(in.baseline->fingerprint, in.run->fingerprint) : "no data";
      !why.empty()) {
    v.baseline_state = "mismatch";
    v.baseline_detail = why;
    if (in.options.strict && v.outcome == Outcome::Passed) {
      v.outcome = Outcome::Failed;
      v.reasons.push_back("baseline not comparable (strict mode): " + why);
    }
    return v;
  }
  v.baseline_state = "compared";
  v.baseline_detail = fmt::format("{} (commit {}, {}, {} session(s))", in.baseline_path,
                                  in.baseline->commit.substr(0, 12), in.baseline->date, in.baseline->sessions);
  v.comparisons = CompareCases(*in.baseline, *in.run);
  // A level the baseline does not have (blessed before it was added, or blessed by level and
  // never for this one) is not compared: say so, never a silent pass.
  const auto blessed = in.baseline->Levels();
  for (const auto& level : in.run->Levels()) {
    if (std::count(blessed.begin(), blessed.end(), level) == 0)
      v.notes.push_back(
          fmt::format("not compared: {}: the baseline has no runs of it (bless it)", scenario::Describe(level)));
  }
  const auto& was = in.baseline->engine;
  const auto& now = in.run->engine;
  if (!was.version.empty() && !now.version.empty() && (was.version != now.version || was.engine != now.engine)) {
    v.notes.push_back(fmt::format("engine changed since the baseline: {} {} then, {} {} now", was.engine, was.version,
                                  now.engine, now.version));
  }
  std::vector<std::string> inconclusive;
  for (auto& c : v.comparisons) {
    if (c.verdict == Change::Regressed) {
      if (in.options.accept_regressions) {
        c.verdict = Change::Warn;
        v.acknowledged = true;
        v.reasons.push_back("acknowledged: " + Regression(c));
      } else {
        if (v.outcome == Outcome::Passed) v.outcome = Outcome::Failed;
        v.reasons.push_back(Regression(c));
      }
    } else if (c.verdict == Change::Inconclusive && c.decisive) {
      inconclusive.push_back(fmt::format("{} at {}: {}", Label(c), scenario::Describe(c.load_level), c.note));
    } else if (c.verdict == Change::Inconclusive) {
      v.notes.push_back(fmt::format("not resolved: {} at {}: {}", Label(c), scenario::Describe(c.load_level), c.note));
    } else if (c.gating && c.verdict == Change::Insufficient) {
      v.notes.push_back(fmt::format("not gated: {} at {}: {}", Label(c), scenario::Describe(c.load_level), c.note));
    } else if (c.gating && c.busy_excluded > 0 && c.metric == "ttft" && c.statistic == "p50") {
      v.notes.push_back(fmt::format("{}: {}", scenario::Describe(c.load_level), c.note));
    }
  }
  if (!inconclusive.empty()) {
    if (v.outcome == Outcome::Passed) v.outcome = Outcome::Inconclusive;
    for (auto& s : inconclusive) (v.outcome == Outcome::Inconclusive ? v.reasons : v.notes).push_back(s);
  }
  return v;
}

// Open-loop runs that did not keep their schedule measured another load than the one asked
// for: never a silent pass. A failure stays one, with the reason beside it.
CaseVerdict Judge(const JudgeInput& in) {
  CaseVerdict v = JudgeMeasured(in);
  if (!in.run || v.outcome == Outcome::Skipped) return v;
  std::vector<std::string> invalid;
  for (const auto& r : in.run->runs) {
    if (r.invalid.empty()) continue;
    const std::string why = fmt::format("{} invalid: {}", scenario::Describe(r.load_level), r.invalid);
    if (std::find(invalid.begin(), invalid.end(), why) == invalid.end()) invalid.push_back(why);
  }
  if (invalid.empty()) return v;
  if (v.outcome == Outcome::Passed) v.outcome = Outcome::Inconclusive;
  v.reasons.insert(v.reasons.begin(), invalid.begin(), invalid.end());
  return v;
}

bool NeedsConfirmation(const CaseVerdict& v) {
  return v.baseline_state == "compared" && (FailedOnRegressionsOnly(v) || v.outcome == Outcome::Inconclusive);
}

CaseVerdict MergeShards(CaseVerdict a, const CaseVerdict& b) {
  const auto rank = [](Outcome o) {
    switch (o) {
      case Outcome::Passed:
        return 0;
      case Outcome::Skipped:
        return 1;
      case Outcome::Inconclusive:
        return 2;
      case Outcome::Failed:
        return 3;
      case Outcome::Error:
        return 4;
    }
    return 4;
  };
  if (rank(b.outcome) > rank(a.outcome)) a.outcome = b.outcome;
  const auto append = [](auto& into, const auto& from) { into.insert(into.end(), from.begin(), from.end()); };
  append(a.reasons, b.reasons);
  append(a.notes, b.notes);
  append(a.thresholds, b.thresholds);
  append(a.comparisons, b.comparisons);
  append(a.earlier, b.earlier);
  for (const char* state : {"mismatch", "missing", "compared"}) {  // the one that says most
    if (a.baseline_state == state) break;
    if (b.baseline_state == state) {
      a.baseline_state = b.baseline_state;
      a.baseline_detail = b.baseline_detail;
      break;
    }
  }
  a.acknowledged |= b.acknowledged;
  a.attempt = std::max(a.attempt, b.attempt);
  return a;
}

CaseVerdict Confirm(const CaseVerdict& first, CaseVerdict second) {
  second.earlier = first.earlier;
  second.earlier.push_back({first.attempt, first.outcome, first.reasons, first.comparisons});
  if (FailedOnRegressionsOnly(first) && FailedOnRegressionsOnly(second)) {
    std::set<Key> before;
    for (const auto& c : first.comparisons) {
      if (c.verdict == Change::Regressed) before.insert(KeyOf(c));
    }
    const bool repeated = std::any_of(second.comparisons.begin(), second.comparisons.end(), [&](const auto& c) {
      return c.verdict == Change::Regressed && before.count(KeyOf(c));
    });
    if (!repeated) {
      second.outcome = Outcome::Inconclusive;
      std::vector<std::string> reasons{"the regressions of the re-measurement differ from the first attempt's:"};
      for (const auto& r : first.reasons) reasons.push_back(fmt::format("attempt {}: {}", first.attempt, r));
      for (const auto& r : second.reasons) reasons.push_back(fmt::format("attempt {}: {}", second.attempt, r));
      second.reasons = std::move(reasons);
    }
  } else if (first.outcome != second.outcome) {
    for (const auto& r : first.reasons)
      second.notes.push_back(
          fmt::format("attempt {} ({}), not confirmed by re-measuring: {}", first.attempt, ToString(first.outcome), r));
  }
  return second;
}

namespace {

nlohmann::json ComparisonsJson(const std::vector<Comparison>& cs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : cs) out.push_back(ToJson(c));
  return out;
}

std::vector<Comparison> ComparisonsFromJson(const nlohmann::json& j) {
  std::vector<Comparison> out;
  for (const auto& c : j) out.push_back(ComparisonFromJson(c));
  return out;
}

Outcome OutcomeFromString(const std::string& s) {
  for (const auto o : {Outcome::Passed, Outcome::Failed, Outcome::Error, Outcome::Skipped, Outcome::Inconclusive}) {
    if (ToString(o) == s) return o;
  }
  return Outcome::Error;
}

}  // namespace

nlohmann::json ToJson(const CaseVerdict& v) {
  nlohmann::json thresholds = nlohmann::json::array(), earlier = nlohmann::json::array();
  for (const auto& t : v.thresholds) thresholds.push_back(ToJson(t));
  for (const auto& a : v.earlier) {
    earlier.push_back({{"attempt", a.attempt},
                       {"outcome", ToString(a.outcome)},
                       {"reasons", a.reasons},
                       {"comparisons", ComparisonsJson(a.comparisons)}});
  }
  return {{"case", v.case_id},
          {"outcome", ToString(v.outcome)},
          {"reasons", v.reasons},
          {"notes", v.notes},
          {"thresholds", thresholds},
          {"baseline", {{"state", v.baseline_state}, {"detail", v.baseline_detail}}},
          {"comparisons", ComparisonsJson(v.comparisons)},
          {"acknowledged", v.acknowledged},
          {"attempt", v.attempt},
          {"earlier_attempts", earlier}};
}

CaseVerdict VerdictFromJson(const nlohmann::json& j) {
  CaseVerdict v;
  v.case_id = j.value("case", "");
  v.outcome = OutcomeFromString(j.value("outcome", "error"));
  v.reasons = j.value("reasons", std::vector<std::string>{});
  v.notes = j.value("notes", std::vector<std::string>{});
  for (const auto& t : j.value("thresholds", nlohmann::json::array()))
    v.thresholds.push_back(ThresholdResultFromJson(t));
  const nlohmann::json baseline = j.value("baseline", nlohmann::json::object());
  v.baseline_state = baseline.value("state", "");
  v.baseline_detail = baseline.value("detail", "");
  v.comparisons = ComparisonsFromJson(j.value("comparisons", nlohmann::json::array()));
  v.acknowledged = j.value("acknowledged", false);
  v.attempt = j.value("attempt", 1);
  for (const auto& a : j.value("earlier_attempts", nlohmann::json::array())) {
    v.earlier.push_back({a.value("attempt", 1), OutcomeFromString(a.value("outcome", "error")),
                         a.value("reasons", std::vector<std::string>{}),
                         ComparisonsFromJson(a.value("comparisons", nlohmann::json::array()))});
  }
  return v;
}

}  // namespace llmbench::gate
