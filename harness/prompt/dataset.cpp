#include "prompt/dataset.hpp"

#include "prompt/data_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>

#include "base/diagnostic.hpp"
#include "base/hash.hpp"
#include "base/token_estimate.hpp"

namespace llmbench::prompt {
namespace {

using nlohmann::json;

constexpr std::uintmax_t kMaxDatasetBytes = std::uintmax_t{4} << 30;

// The prompt of one entry, or why there is none ("" text and `why` set).
std::string PromptOf(const json& entry, const std::string& field, std::string& why) {
  if (!entry.is_object()) {
    why = "not a JSON object";
    return "";
  }
  const auto string_of = [&](const char* key) -> std::string {
    const auto it = entry.find(key);
    if (it == entry.end()) return "";
    if (!it->is_string()) {
      why = fmt::format("'{}' is not a string", key);
      return "";
    }
    return it->get<std::string>();
  };
  // First turn of the asking side: chat messages (role user) or ShareGPT turns (from human).
  const auto first_turn = [&](const char* key, const char* who_key, const char* who, const char* text_key) {
    const auto it = entry.find(key);
    if (it == entry.end()) return std::string();
    if (!it->is_array()) {
      why = fmt::format("'{}' is not an array", key);
      return std::string();
    }
    for (const auto& turn : *it) {
      if (turn.is_object() && turn.value(who_key, "") == who && turn.contains(text_key) &&
          (*turn.find(text_key)).is_string()) {
        return (*turn.find(text_key)).get<std::string>();
      }
    }
    why = fmt::format("'{}' has no {} turn with a string '{}'", key, who, text_key);
    return std::string();
  };
  const auto by_field = [&](const std::string& f) {
    if (f == "text" || f == "prompt") return string_of(f.c_str());
    if (f == "messages") return first_turn("messages", "role", "user", "content");
    return first_turn("conversations", "from", "human", "value");
  };
  if (!field.empty()) {
    if (!entry.contains(field)) why = fmt::format("no '{}' field", field);
    return by_field(field);
  }
  for (const char* f : {"text", "prompt", "messages", "conversations"}) {
    if (entry.contains(f)) return by_field(f);
  }
  why = "none of the fields text, prompt, messages, conversations";
  return "";
}

[[noreturn]] void Fail(const std::string& path, int line, const std::string& message) {
  throw InputError({{path, line, 0, "dataset", message,
                     "each entry: {\"text\": \"...\"}, {\"prompt\": \"...\"}, {\"messages\": [{\"role\": \"user\", "
                     "\"content\": \"...\"}]} or ShareGPT's {\"conversations\": [{\"from\": \"human\", \"value\": "
                     "\"...\"}]}"}});
}

}  // namespace

Dataset LoadDataset(const std::string& path, const scenario::PromptClass& cls) {
  Dataset d;
  d.path = path;
  const std::string text = ReadDataFile(path, kMaxDatasetBytes, "dataset");
  d.content_hash = Fnv1a(text);
  const auto add = [&](const json& entry, int line) {
    ++d.entries;
    std::string why;
    std::string prompt = PromptOf(entry, cls.dataset_field, why);
    if (prompt.empty()) Fail(path, line, why.empty() ? "an empty prompt" : why);
    const std::int64_t tokens = EstimateTokens(prompt);
    if (tokens < cls.min_input_tokens || (cls.max_input_tokens > 0 && tokens > cls.max_input_tokens)) {
      ++d.out_of_bounds;
      return;
    }
    d.texts.push_back(std::move(prompt));
  };
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {  // one JSON array: ShareGPT's files
    const json all = json::parse(text, nullptr, false);
    if (all.is_discarded() || !all.is_array()) Fail(path, 0, "starts with '[' but is not one JSON array");
    int index = 0;
    for (const auto& entry : all) add(entry, ++index);  // "line" = element number here
  } else {
    ForEachLine(text, [&](std::string_view row, int line) {
      const json entry = json::parse(row, nullptr, false);
      if (entry.is_discarded()) Fail(path, line, "not a JSON value");
      add(entry, line);
      return true;
    });
  }
  if (d.texts.empty()) {
    throw InputError(
        {{path, 0, 0, "dataset",
          fmt::format("no prompt left: {} entries, {} outside min_input_tokens = {} … max_input_tokens = {}", d.entries,
                      d.out_of_bounds, cls.min_input_tokens,
                      cls.max_input_tokens > 0 ? std::to_string(cls.max_input_tokens) : "none"),
          "widen the bounds or use another file"}});
  }
  return d;
}

std::vector<Prompt> SampleDataset(const Dataset& data, const scenario::PromptClass& cls, std::int64_t count,
                                  std::uint64_t seed, std::uint64_t nonce, bool with_code) {
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> order(data.texts.size());
  std::size_t next = order.size();
  std::vector<Prompt> prompts;
  prompts.reserve(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
  for (std::int64_t i = 0; i < count; ++i) {
    if (next == order.size()) {  // a fresh shuffle: every entry once before any repeats
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng);
      next = 0;
    }
    Prompt p;
    const double drawn = std::normal_distribution<double>(static_cast<double>(cls.output_tokens),
                                                          static_cast<double>(cls.output_stddev))(rng);
    p.max_tokens = cls.output_stddev > 0 ? std::max<std::int64_t>(1, std::llround(drawn)) : cls.output_tokens;
    AppendPreamble(i, nonce, p.text);
    if (with_code) {
      p.code = CodeFor(i, nonce);
      AppendCodeRequest(p.code, p.text);
    }
    p.text += ' ';
    p.body_offset = p.text.size();
    p.text += data.texts[order[next++]];
    p.input_tokens = EstimateTokens(p.text);
    prompts.push_back(std::move(p));
  }
  return prompts;
}

PromptSource::PromptSource(const scenario::PromptClass& cls, const std::string& scenario_dir) : cls_(cls) {
  const auto resolve = [&](const std::string& file) {
    std::filesystem::path path(file);
    if (path.is_relative()) path = std::filesystem::path(scenario_dir.empty() ? "." : scenario_dir) / path;
    return path.lexically_normal().string();
  };
  if (!cls.dataset.empty()) dataset_ = LoadDataset(resolve(cls.dataset), cls);
  if (!cls.trace.empty()) trace_ = LoadTrace(resolve(cls.trace), cls);
}

std::vector<Prompt> PromptSource::Make(std::int64_t count, std::uint64_t seed, std::uint64_t nonce,
                                       bool with_code) const {
  if (dataset_) return SampleDataset(*dataset_, cls_, count, seed, nonce, with_code);
  if (trace_) return TracePrompts(*trace_, cls_, count, seed, nonce, with_code);
  return SynthesizePrompts(cls_, count, seed, nonce, with_code);
}

PromptFeed PromptSource::Feed(std::int64_t count, std::uint64_t seed, std::uint64_t nonce, bool with_code) const {
  if (dataset_ || trace_) return PromptFeed(Make(count, seed, nonce, with_code));
  return PromptFeed(count, [synthesizer = std::make_shared<Synthesizer>(cls_, seed, nonce, with_code)] {
    return synthesizer->Next();
  });
}

}  // namespace llmbench::prompt
