#include "protocol/prometheus.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

namespace llmbench::protocol {
namespace {

const RE2& NameRe() {
  static const RE2 re(R"re(([a-zA-Z_:][a-zA-Z0-9_:]*))re");
  return re;
}
// One label pair: name="value" with backslash escapes, then an optional comma.
const RE2& LabelRe() {
  static const RE2 re(R"re([ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*,?)re");
  return re;
}
// After the labels: the value, an optional timestamp, an optional exemplar or comment.
const RE2& ValueRe() {
  static const RE2 re(R"re([ \t]+([^ \t#]+)(?:[ \t]+(-?[0-9]+(?:\.[0-9]+)?))?[ \t]*(?:#.*)?)re");
  return re;
}
const RE2& TypeRe() {
  static const RE2 re(R"re(#[ \t]+TYPE[ \t]+([a-zA-Z_:][a-zA-Z0-9_:]*)[ \t]+([a-z]+)[ \t]*)re");
  return re;
}

std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      out.push_back(c == 'n' ? '\n' : c);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool ParseValue(const std::string& text, double& v) {
  if (text == "+Inf" || text == "Inf") {
    v = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Inf") {
    v = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "NaN") {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  char* end = nullptr;
  v = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(v);
}

// Parses one sample line; "" on success, else why not.
std::string ParseSample(std::string_view line, PromSample& s) {
  re2::StringPiece in(line.data(), line.size());
  std::string name;
  if (!RE2::Consume(&in, NameRe(), &name)) return "no metric name";
  s.name = std::move(name);
  if (!in.empty() && in[0] == '{') {
    in.remove_prefix(1);
    std::string key, value;
    while (RE2::Consume(&in, LabelRe(), &key, &value)) s.labels.emplace_back(key, Unescape(value));
    while (!in.empty() && (in[0] == ' ' || in[0] == '\t')) in.remove_prefix(1);
    if (in.empty() || in[0] != '}') return "bad label set";
    in.remove_prefix(1);
  }
  std::string value, timestamp;
  if (!RE2::FullMatch(in, ValueRe(), &value, &timestamp)) return "no value after the name";
  if (!ParseValue(value, s.value)) return fmt::format("'{}' is not a number", value);
  return "";
}

// "foo_bucket" → "foo" when `suffix` matches.
bool StripSuffix(std::string_view name, std::string_view suffix, std::string& base) {
  if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) return false;
  base.assign(name.substr(0, name.size() - suffix.size()));
  return true;
}

// histogram_quantile: the bucket where the rank falls, linear inside it; the +Inf bucket gives
// the highest finite bound.
double Quantile(const std::map<double, double>& cumulative, double q) {
  if (cumulative.empty()) return NAN;
  const double total = cumulative.rbegin()->second;
  if (total <= 0) return NAN;
  const double rank = q * total;
  double lower = 0, below = 0;
  for (const auto& [le, count] : cumulative) {
    if (count >= rank) {
      if (std::isinf(le)) return lower;
      if (count == below) return le;
      return lower + (le - lower) * (rank - below) / (count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}

}  // namespace

std::string PromSample::Label(std::string_view key) const {
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return "";
}

PromScrape ParsePrometheus(std::string_view text) {
  PromScrape out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      std::string family, type;
      if (RE2::FullMatch(re2::StringPiece(line.data(), line.size()), TypeRe(), &family, &type)) {
        out.types[family] = type;
      }
      continue;  // HELP, EOF and other comments
    }
    PromSample s;
    if (const std::string why = ParseSample(line, s); !why.empty()) {
      if (out.errors.size() < 20) out.errors.push_back(fmt::format("line {}: {}", line_no, why));
      continue;
    }
    out.samples.push_back(std::move(s));
  }
  return out;
}

std::map<std::string, double> ScrapeStatistics(const std::vector<PromScrape>& scrapes) {
  std::map<std::string, double> out;
  if (scrapes.empty()) return out;
  std::map<std::string, std::string> types;
  for (const auto& s : scrapes) types.insert(s.types.begin(), s.types.end());
  const auto type_of = [&](const std::string& family) {
    const auto it = types.find(family);
    return it == types.end() ? std::string() : it->second;
  };
  // Per scrape: each plain family's value summed over label sets; each histogram's buckets.
  struct Histogram {
    std::map<double, double> buckets;  // le → cumulative count
    double sum = 0, count = 0;
  };
  std::vector<std::map<std::string, double>> plain(scrapes.size());
  std::vector<std::map<std::string, Histogram>> histograms(scrapes.size());
  for (std::size_t i = 0; i < scrapes.size(); ++i) {
    for (const auto& s : scrapes[i].samples) {
      std::string base;
      if (StripSuffix(s.name, "_bucket", base) && type_of(base) == "histogram") {
        double le = 0;
        if (ParseValue(s.Label("le"), le) && !std::isnan(le)) histograms[i][base].buckets[le] += s.value;
      } else if (StripSuffix(s.name, "_sum", base) && type_of(base) == "histogram") {
        histograms[i][base].sum += s.value;
      } else if (StripSuffix(s.name, "_count", base) && type_of(base) == "histogram") {
        histograms[i][base].count += s.value;
      } else if (!std::isnan(s.value)) {
        plain[i][s.name] += s.value;
      }
    }
  }
  std::set<std::string> names;
  for (const auto& p : plain) {
    for (const auto& [name, _] : p) names.insert(name);
  }
  for (const auto& name : names) {
    std::string family = name;
    std::string base;
    if (type_of(name).empty() && StripSuffix(name, "_total", base) && type_of(base) == "counter") family = base;
    const std::string type = type_of(family);
    const bool counter = type == "counter" || (type.empty() && name.size() > 6 && name.ends_with("_total"));
    const auto first = plain.front().find(name);
    const auto last = plain.back().find(name);
    if (counter) {
      // A counter declared in the first scrape without samples yet starts at 0.
      const bool declared = scrapes.front().types.contains(family);
      const double from = first != plain.front().end() ? first->second : declared ? 0.0 : NAN;
      if (!std::isnan(from) && last != plain.back().end() && last->second >= from) {
        out[name + ".delta"] = last->second - from;
      }
      continue;
    }
    double max = -std::numeric_limits<double>::infinity(), sum = 0;
    int n = 0;
    for (const auto& p : plain) {
      if (const auto it = p.find(name); it != p.end()) {
        max = std::max(max, it->second);
        sum += it->second;
        ++n;
      }
    }
    if (n == 0) continue;
    out[name + ".max"] = max;
    out[name + ".mean"] = sum / n;
    if (last != plain.back().end()) out[name + ".last"] = last->second;
  }
  for (const auto& [name, after] : histograms.back()) {
    const auto before_it = histograms.front().find(name);
    Histogram delta = after;
    if (before_it != histograms.front().end() && scrapes.size() > 1) {
      delta.sum -= before_it->second.sum;
      delta.count -= before_it->second.count;
      for (auto& [le, c] : delta.buckets) {
        if (const auto b = before_it->second.buckets.find(le); b != before_it->second.buckets.end()) c -= b->second;
      }
    }
    if (delta.count < 0) continue;  // restarted
    out[name + ".count"] = delta.count;
    out[name + ".sum"] = delta.sum;
    if (delta.count > 0) {
      out[name + ".mean"] = delta.sum / delta.count;
      for (const auto& [q, key] : {std::pair{0.5, ".p50"}, {0.9, ".p90"}, {0.99, ".p99"}}) {
        const double v = Quantile(delta.buckets, q);
        if (!std::isnan(v)) out[name + key] = v;
      }
    }
  }
  return out;
}

}  // namespace llmbench::protocol
