#include "prompt/trace.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "base/diagnostic.hpp"
#include "base/hash.hpp"
#include "prompt/data_file.hpp"

namespace llmbench::prompt {
namespace {

using nlohmann::json;

constexpr std::uintmax_t kMaxTraceBytes = std::uintmax_t{4} << 30;
constexpr std::int64_t kMaxTokens = 1'000'000;  // as [classes] input_tokens / output_tokens
constexpr double kMaxTraceSeconds = 1e7;        // 116 days: a later timestamp is a wrong unit or corrupt

[[noreturn]] void Fail(const std::string& path, int line, const std::string& message) {
  throw InputError({{path, line, 0, "trace", message,
                     "each line: {\"timestamp\": <ms>, \"input_length\": <tokens>, \"output_length\": <tokens>} "
                     "(Mooncake's shape; input_tokens / output_tokens also read)"}});
}

std::int64_t Length(const json& entry, const char* a, const char* b, const std::string& path, int line) {
  for (const char* key : {a, b}) {
    const auto it = entry.find(key);
    if (it == entry.end()) continue;
    // The scenario's own bound on lengths: a hostile or corrupt entry must not synthesise a
    // prompt of a trillion tokens.
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > kMaxTokens)
      Fail(path, line, fmt::format("'{}' must be a whole number of tokens from 1 to {}", key, kMaxTokens));
    return it->get<std::int64_t>();
  }
  Fail(path, line, fmt::format("no '{}' (or '{}')", a, b));
}

}  // namespace

Trace LoadTrace(const std::string& path, const scenario::PromptClass& cls) {
  Trace t;
  t.path = path;
  const std::string text = ReadDataFile(path, kMaxTraceBytes, "trace");
  t.content_hash = Fnv1a(text);
  const double unit_s = cls.trace_time_unit == "s" ? 1.0 : 1e-3;
  ForEachLine(text, [&](std::string_view row, int line) {
    const json entry = json::parse(row, nullptr, false);
    if (entry.is_discarded() || !entry.is_object()) Fail(path, line, "not a JSON object");
    const auto ts = entry.find("timestamp");
    if (ts == entry.end() || !ts->is_number() || !std::isfinite(ts->get<double>()) || ts->get<double>() < 0 ||
        ts->get<double>() * unit_s > kMaxTraceSeconds)
      Fail(path, line, fmt::format("no 'timestamp' (a number ≥ 0, at most {:g} s into the trace)", kMaxTraceSeconds));
    t.timestamps_s.push_back(ts->get<double>() * unit_s);
    t.input_tokens.push_back(Length(entry, "input_length", "input_tokens", path, line));
    t.output_tokens.push_back(Length(entry, "output_length", "output_tokens", path, line));
    return cls.trace_requests == 0 || static_cast<std::int64_t>(t.timestamps_s.size()) < cls.trace_requests;
  });
  if (t.timestamps_s.empty()) throw InputError({{path, 0, 0, "trace", "no entry", "one JSON object per line"}});
  // In time order (a trace merged from several sources need not be): entry i is sent i-th.
  std::vector<std::size_t> order(t.timestamps_s.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return t.timestamps_s[a] < t.timestamps_s[b]; });
  Trace sorted = t;
  for (std::size_t i = 0; i < order.size(); ++i) {
    sorted.timestamps_s[i] = t.timestamps_s[order[i]];
    sorted.input_tokens[i] = t.input_tokens[order[i]];
    sorted.output_tokens[i] = t.output_tokens[order[i]];
  }
  return sorted;
}

std::vector<Prompt> TracePrompts(const Trace& trace, const scenario::PromptClass& cls, std::int64_t count,
                                 std::uint64_t seed, std::uint64_t nonce, bool with_code) {
  std::vector<Prompt> out;
  count = std::min<std::int64_t>(count, static_cast<std::int64_t>(trace.timestamps_s.size()));
  out.reserve(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
  scenario::PromptClass one = cls;
  one.input_stddev = one.output_stddev = 0;
  one.shared_prefix_tokens = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const auto k = static_cast<std::size_t>(i);
    one.input_tokens = trace.input_tokens[k];
    one.output_tokens = trace.output_tokens[k];
    // A nonce per entry: each prompt's preamble names its own run, so none shares a prefix.
    auto p =
        SynthesizePrompts(one, 1, seed ^ (0x9E3779B97F4A7C15ULL * (k + 1)), Fnv1a(std::to_string(i), nonce), with_code);
    out.push_back(std::move(p.front()));
  }
  return out;
}

}  // namespace llmbench::prompt
