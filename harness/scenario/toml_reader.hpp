// Strict, position-aware reading of one TOML table: every key read is declared by the call that
// reads it, so whatever was not read is an unknown key (reported with "did you mean").
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/diagnostic.hpp"

namespace llmbench::scenario {

/// Looks up an environment variable; injected so tests need not touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// Shared state of one file's load: its path, the collected diagnostics, the environment.
struct LoadContext {
  std::string file;
  std::vector<Diagnostic>* diagnostics;
  EnvLookup env;
  void Error(const toml::source_region& where, std::string key_path, std::string message, std::string hint = {}) const;
};

class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, const LoadContext& context);

  /// Each getter returns nullopt when the key is absent or wrong (the latter is reported).
  std::optional<std::string> String(const std::string& key);
  /// A string with ${VAR} / ${VAR:-default} expanded from the environment.
  std::optional<std::string> InterpolatedString(const std::string& key);
  std::optional<std::int64_t> Int(const std::string& key, std::int64_t min, std::int64_t max);
  std::optional<double> Number(const std::string& key, double min, double max);
  std::optional<bool> Bool(const std::string& key);
  std::optional<Nanoseconds> Duration(const std::string& key);
  /// A probability or fraction written as "5%" or 0.05.
  std::optional<double> Fraction(const std::string& key);
  std::optional<std::vector<std::int64_t>> IntArray(const std::string& key, std::int64_t min, std::int64_t max);
  /// Numbers (integers or floats), each within [min, max].
  std::optional<std::vector<double>> NumberArray(const std::string& key, double min, double max);
  std::optional<std::vector<std::string>> StringArray(const std::string& key);
  const toml::table* Table(const std::string& key);
  const toml::array* Array(const std::string& key);
  /// Marks a key as known without reading it (e.g. read by another pass).
  void Accept(const std::string& key) { known_.insert(key); }

  /// Reports every key of the table that no getter asked for. Call once, after reading.
  void RejectUnknownKeys(const std::string& extra_hint = {});

  /// Reports a problem with `key` (which must be present) at its position.
  void Error(const std::string& key, std::string message, std::string hint = {}) const;
  std::string KeyPath(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const toml::table& table() const { return table_; }
  const LoadContext& context() const { return context_; }

 private:
  const toml::node* Get(const std::string& key);
  void TypeError(const std::string& key, const toml::node& node, std::string_view expected) const;

  const toml::table& table_;
  std::string path_;
  const LoadContext& context_;
  std::set<std::string> known_;
};

/// Expands ${VAR} and ${VAR:-default}; "$$" is a literal '$'. Returns nullopt and sets `error`
/// for an undefined variable without default or an unterminated "${".
std::optional<std::string> Interpolate(std::string_view text, const EnvLookup& env, std::string& error);

}  // namespace llmbench::scenario
