#include "scenario/toml_reader.hpp"

#include <fmt/format.h>

#include <cmath>

#include "base/units.hpp"

namespace llmbench::scenario {
namespace {

std::string_view TypeName(toml::node_type t) {
  switch (t) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date/time";
  }
}

}  // namespace

void LoadContext::Error(const toml::source_region& where, std::string key_path, std::string message,
                        std::string hint) const {
  diagnostics->push_back({file, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                          std::move(key_path), std::move(message), std::move(hint)});
}

TableReader::TableReader(const toml::table& table, std::string path, const LoadContext& context)
    : table_(table), path_(std::move(path)), context_(context) {}

const toml::node* TableReader::Get(const std::string& key) {
  known_.insert(key);
  return table_.get(key);
}

void TableReader::Error(const std::string& key, std::string message, std::string hint) const {
  const toml::node* node = table_.get(key);
  context_.Error(node ? node->source() : table_.source(), KeyPath(key), std::move(message), std::move(hint));
}

void TableReader::TypeError(const std::string& key, const toml::node& node, std::string_view expected) const {
  Error(key, fmt::format("expected {}, found {}", expected, TypeName(node.type())));
}

std::optional<std::string> TableReader::String(const std::string& key) {
  const toml::node* node = Get(key);
  if (!node) return std::nullopt;
  if (const auto* s = node->as_string()) return s->get();
  TypeError(key, *node, "a string");
  return std::nullopt;
}

std::optional<std::string> TableReader::InterpolatedString(const std::string& key) {
  auto raw = String(key);
  if (!raw) return std::nullopt;
  std::string error;
  auto expanded = Interpolate(*raw, context_.env, error);
  if (!expanded) Error(key, error, "export the variable, add it to .env, or write ${VAR:-default}");
  return expanded;
}

std::optional<std::int64_t> TableReader::Int(const std::string& key, std::int64_t min, std::int64_t max) {
  const toml::node* node = Get(key);
  if (!node) return std::nullopt;
  const auto* i = node->as_integer();
  if (!i) {
    TypeError(key, *node, "an integer");
    return std::nullopt;
  }
  if (i->get() < min || i->get() > max) {
    Error(key, fmt::format("{} is out of range", i->get()), fmt::format("allowed: {} to {}", min, max));
    return std::nullopt;
  }
  return i->get();
}

std::optional<double> TableReader::Number(const std::string& key, double min, double max) {
  const toml::node* node = Get(key);
  if (!node) return std::nullopt;
  double v = 0;
  if (const auto* f = node->as_floating_point())
    v = f->get();
  else if (const auto* i = node->as_integer())
    v = static_cast<double>(i->get());
  else {
    TypeError(key, *node, "a number");
    return std::nullopt;
  }
  if (!std::isfinite(v) || v < min || v > max) {
    Error(key, fmt::format("{} is out of range", v), fmt::format("allowed: {} to {}", min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> TableReader::Bool(const std::string& key) {
  const toml::node* node = Get(key);
  if (!node) return std::nullopt;
  if (const auto* b = node->as_boolean()) return b->get();
  TypeError(key, *node, "a boolean (true or false)");
  return std::nullopt;
}

std::optional<Nanoseconds> TableReader::Duration(const std::string& key) {
  const toml::node* node = Get(key);
  if (!node) return std::nullopt;
  const auto* s = node->as_string();
  if (!s) {
    Error(key, fmt::format("expected a duration string such as \"250ms\", found {}", TypeName(node->type())),
          std::string(DurationUnitsHint()));
    return std::nullopt;
  }
  auto d = ParseDuration(s->get());
  if (!d) Error(key, fmt::format("'{}' is not a duration", s->get()), std::string(DurationUnitsHint()));
  return d;
}

std::optional<double> TableReader::Fraction(const std::string& key) {
  const toml::node* node = Get(key);
  if (!node) return std::nullopt;
  std::optional<double> v;
  if (const auto* s = node->as_string())
    v = ParsePercent(s->get());
  else if (const auto* f = node->as_floating_point())
    v = f->get();
  else if (const auto* i = node->as_integer())
    v = static_cast<double>(i->get());
  if (!v || !std::isfinite(*v) || *v < 0 || *v > 1) {
    Error(key, "expected a fraction between 0 and 1", "write 0.05 or \"5%\"");
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<std::int64_t>> TableReader::IntArray(const std::string& key, std::int64_t min,
                                                               std::int64_t max) {
  const toml::node* node = Get(key);
  if (!node) return std::nullopt;
  const auto* array = node->as_array();
  if (!array) {
    TypeError(key, *node, "an array of integers");
    return std::nullopt;
  }
  std::vector<std::int64_t> out;
  for (const auto& element : *array) {
    const auto* i = element.as_integer();
    if (!i || i->get() < min || i->get() > max) {
      context_.Error(element.source(), KeyPath(key), "every element must be an integer",
                     fmt::format("allowed: {} to {}", min, max));
      return std::nullopt;
    }
    out.push_back(i->get());
  }
  return out;
}

std::optional<std::vector<double>> TableReader::NumberArray(const std::string& key, double min, double max) {
  const toml::node* node = Get(key);
  if (!node) return std::nullopt;
  const auto* array = node->as_array();
  if (!array) {
    TypeError(key, *node, "an array of numbers");
    return std::nullopt;
  }
  std::vector<double> out;
  for (const auto& element : *array) {
    const std::optional<double> v = element.value<double>();
    if (!v || !(*v >= min && *v <= max)) {
      context_.Error(element.source(), KeyPath(key), "every element must be a number",
                     fmt::format("allowed: {:g} to {:g}", min, max));
      return std::nullopt;
    }
    out.push_back(*v);
  }
  return out;
}

std::optional<std::vector<std::string>> TableReader::StringArray(const std::string& key) {
  const toml::node* node = Get(key);
  if (!node) return std::nullopt;
  const auto* array = node->as_array();
  if (!array) {
    TypeError(key, *node, "an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& element : *array) {
    const auto* s = element.as_string();
    if (!s) {
      context_.Error(element.source(), KeyPath(key), "every element must be a string");
      return std::nullopt;
    }
    out.push_back(s->get());
  }
  return out;
}

const toml::table* TableReader::Table(const std::string& key) {
  const toml::node* node = Get(key);
  if (!node) return nullptr;
  if (const auto* t = node->as_table()) return t;
  TypeError(key, *node, "a table");
  return nullptr;
}

const toml::array* TableReader::Array(const std::string& key) {
  const toml::node* node = Get(key);
  if (!node) return nullptr;
  if (const auto* a = node->as_array()) return a;
  TypeError(key, *node, "an array");
  return nullptr;
}

void TableReader::RejectUnknownKeys(const std::string& extra_hint) {
  const std::vector<std::string> candidates(known_.begin(), known_.end());
  for (const auto& [key, node] : table_) {
    const std::string name(key.str());
    if (known_.count(name)) continue;
    static const std::set<std::string> kTopLevel{"schema", "name", "description", "labels", "thresholds"};
    if (!path_.empty() && kTopLevel.count(name)) {
      context_.Error(key.source(), KeyPath(name), "unknown key",
                     fmt::format("'{}' is a top-level key: move it above the first [table] header "
                                 "(TOML puts every key after [{}] into that table)",
                                 name, path_));
      continue;
    }
    const std::string close = ClosestMatch(name, candidates);
    std::string hint = close.empty() ? fmt::format("valid keys: {}", fmt::join(candidates, ", "))
                                     : fmt::format("did you mean '{}'?", close);
    if (!extra_hint.empty()) hint += "; " + extra_hint;
    context_.Error(key.source(), KeyPath(name), "unknown key", std::move(hint));
  }
}

std::optional<std::string> Interpolate(std::string_view text, const EnvLookup& env, std::string& error) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out += text[i];
      continue;
    }
    const auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      error = "unterminated ${ in '" + std::string(text) + "'";
      return std::nullopt;
    }
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    const auto sep = inner.find(":-");
    const std::string name(inner.substr(0, sep));
    if (name.empty()) {
      error = "empty variable name in ${}";
      return std::nullopt;
    }
    auto value = env(name);
    if (value && !value->empty())
      out += *value;
    else if (sep != std::string_view::npos)
      out += inner.substr(sep + 2);
    else {
      error = "environment variable " + name + " is not set";
      return std::nullopt;
    }
    i = close;
  }
  return out;
}

}  // namespace llmbench::scenario
