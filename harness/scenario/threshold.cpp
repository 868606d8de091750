#include "scenario/threshold.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/units.hpp"
#include "metrics/catalog.hpp"

namespace llmbench::scenario {
namespace {

constexpr std::array<std::string_view, 8> kStatistics{"mean", "stddev", "min", "max", "p50", "p90", "p95", "p99"};
// What protocol::ScrapeStatistics derives from an engine's /metrics.
constexpr std::array<std::string_view, 9> kServerStatistics{"delta", "max", "mean", "last", "count",
                                                            "sum",   "p50", "p90",  "p99"};

bool IsOpChar(char ch) { return ch == '<' || ch == '>' || ch == '=' || ch == '!'; }

// A tiny cursor over the rule text that remembers offsets for error messages.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  void SkipSpaces() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  }
  std::string_view Take(auto predicate) {
    const std::size_t start = pos;
    while (pos < text.size() && predicate(text[pos])) ++pos;
    return text.substr(start, pos - start);
  }
  bool AtEnd() const { return pos >= text.size(); }
};

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::vector<std::string> MetricIds() {
  std::vector<std::string> ids{"errors.rate"};
  for (const auto& m : metrics::Catalog()) ids.emplace_back(m.id);
  return ids;
}

// Converts `number unit` into the catalogue unit of `info`; sets `error` on a unit mismatch.
std::optional<double> ToCatalogUnit(const metrics::MetricInfo& info, double number, std::string_view unit,
                                    ThresholdError& error) {
  const std::string_view want = info.unit;
  if (want == "ms") {
    if (unit.empty()) {
      error = {fmt::format("missing unit: {} is a duration", info.id), fmt::format("write e.g. {}ms", number), 0};
      return std::nullopt;
    }
    if (const auto d = ParseDuration(fmt::format("{}{}", number, unit))) return static_cast<double>(d->count()) / 1e6;
    error = {fmt::format("'{}' is not a duration unit for {}", unit, info.id), std::string(DurationUnitsHint()), 0};
    return std::nullopt;
  }
  if (want == "fraction" || want == "%") {
    if (unit == "%") return want == "fraction" ? number / 100.0 : number;
    error = {unit.empty() ? fmt::format("missing unit: {} is a percentage", info.id)
                          : fmt::format("'{}' is not a unit of {}", unit, info.id),
             fmt::format("write e.g. {}%", number), 0};
    return std::nullopt;
  }
  if (want == "count") {
    if (unit.empty()) return number;
    error = {fmt::format("{} is a count and takes no unit", info.id), "remove the unit", 0};
    return std::nullopt;
  }
  if (unit == want) return number;
  error = {unit.empty() ? fmt::format("missing unit: {} is in {}", info.id, want)
                        : fmt::format("'{}' is not the unit of {} ({})", unit, info.id, want),
           fmt::format("write e.g. {} {}", number, want), 0};
  return std::nullopt;
}

}  // namespace

std::string_view ToString(Comparison c) {
  switch (c) {
    case Comparison::Less:
      return "<";
    case Comparison::LessEqual:
      return "<=";
    case Comparison::Greater:
      return ">";
    case Comparison::GreaterEqual:
      return ">=";
    case Comparison::Equal:
      return "==";
  }
  return "?";
}

std::optional<ParsedThreshold> ParseThreshold(std::string_view text, ThresholdError& error) {
  Cursor c{text};
  const auto fail = [&](std::size_t at, std::string message, std::string hint) {
    error = {std::move(message), std::move(hint), at};
    return std::nullopt;
  };
  c.SkipSpaces();
  const std::size_t metric_at = c.pos;
  std::string metric(c.Take(IsIdentChar));
  if (metric.empty()) return fail(metric_at, "expected a metric name", "e.g. \"ttft.p95 < 500ms\"");
  std::string statistic;
  std::size_t statistic_at = c.pos;
  if (!c.AtEnd() && text[c.pos] == '.') {
    ++c.pos;
    statistic_at = c.pos;
    statistic = c.Take(IsIdentChar);
  }
  if (metric == "server") {  // server.<family>.<statistic>, e.g. server.vllm:num_preemptions_total.delta
    const std::string key(c.Take([](char ch) { return ch != ' ' && ch != '\t' && !IsOpChar(ch); }));
    const std::string full = statistic + key;
    const auto dot = full.rfind('.');
    const std::string family = dot == std::string::npos ? full : full.substr(0, dot);
    const std::string stat = dot == std::string::npos ? "" : full.substr(dot + 1);
    const std::string stats = fmt::format("{}", fmt::join(kServerStatistics, ", "));
    if (family.empty() || stat.empty()) {
      return fail(statistic_at, "expected server.<metric family>.<statistic>",
                  fmt::format("e.g. server.vllm:num_preemptions_total.delta == 0; statistics: {}", stats));
    }
    if (std::find(kServerStatistics.begin(), kServerStatistics.end(), stat) == kServerStatistics.end()) {
      return fail(statistic_at + dot + 1, fmt::format("unknown statistic '{}' of a server metric", stat),
                  fmt::format("one of {}", stats));
    }
    metric = "server." + family;
    statistic = stat;
  } else if (metric == "errors") {
    if (statistic != "rate") return fail(statistic_at, "errors has one statistic: rate", "write errors.rate < 1%");
    metric = "error_rate";
    statistic.clear();
  }
  const bool server = metric.rfind("server.", 0) == 0;
  const metrics::MetricInfo* info = server ? nullptr : metrics::FindMetric(metric);
  if (!info && !server) {
    const auto ids = MetricIds();
    const std::string close = ClosestMatch(metric, ids);
    return fail(
        metric_at, fmt::format("unknown metric '{}'", metric),
        close.empty() ? fmt::format("metrics: {}", fmt::join(ids, ", ")) : fmt::format("did you mean '{}'?", close));
  }
  const std::string stats = fmt::format("{}", fmt::join(kStatistics, ", "));
  if (info && info->scope == metrics::Scope::PerLevel && !statistic.empty()) {
    return fail(statistic_at, fmt::format("{} is one number per level and has no statistic '{}'", metric, statistic),
                fmt::format("write {} <op> <value>", metric));
  }
  if (info && info->scope == metrics::Scope::PerRequest) {
    if (statistic.empty()) {
      return fail(c.pos, fmt::format("{} is a per-request distribution: name a statistic", metric),
                  fmt::format("one of {}, e.g. {}.p95", stats, metric));
    }
    if (std::find(kStatistics.begin(), kStatistics.end(), statistic) == kStatistics.end()) {
      return fail(statistic_at, fmt::format("unknown statistic '{}'", statistic), fmt::format("one of {}", stats));
    }
  }
  c.SkipSpaces();
  const std::size_t op_at = c.pos;
  const std::string_view op = c.Take(IsOpChar);
  ParsedThreshold t{metric, statistic, Comparison::Less, 0};
  if (op == "<")
    t.op = Comparison::Less;
  else if (op == "<=")
    t.op = Comparison::LessEqual;
  else if (op == ">")
    t.op = Comparison::Greater;
  else if (op == ">=")
    t.op = Comparison::GreaterEqual;
  else if (op == "==")
    t.op = Comparison::Equal;
  else
    return fail(op_at, op.empty() ? "expected a comparison" : fmt::format("'{}' is not a comparison", op),
                "one of <, <=, >, >=, ==");
  c.SkipSpaces();
  const std::size_t number_at = c.pos;
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data() + c.pos, text.data() + text.size(), number);
  if (ec != std::errc() || !std::isfinite(number))
    return fail(number_at, "expected a number", "e.g. 500ms, 1%, 900 tok/s");
  c.pos = static_cast<std::size_t>(end - text.data());
  c.SkipSpaces();
  const std::size_t unit_at = c.pos;
  std::string_view unit = text.substr(c.pos);
  while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\t')) unit.remove_suffix(1);
  if (server) {  // the engine's own numbers, in its own units: no unit to convert
    if (!unit.empty()) {
      return fail(unit_at,
                  fmt::format("{}.{} is the engine's number as it reports it and takes no unit", metric, statistic),
                  "remove the unit");
    }
    t.value = number;
    return t;
  }
  const auto value = ToCatalogUnit(*info, number, unit, error);
  if (!value) {
    error.offset = unit.empty() ? number_at : unit_at;
    return std::nullopt;
  }
  t.value = *value;
  return t;
}

}  // namespace llmbench::scenario
