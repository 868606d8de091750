#include "scenario/load_toml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>

#include "base/read_file.hpp"
#include "protocol/protocol.hpp"
#include "scenario/sections.hpp"

namespace llmbench::scenario {
namespace {

Scenario ReadScenario(const toml::table& root, const std::string& file, const LoadContext& ctx) {
  Scenario s;
  s.file = file;
  s.name = std::filesystem::path(file).stem().string();
  TableReader r(root, "", ctx);
  const auto schema = r.Int("schema", 0, 1'000'000);
  if (!schema) {
    ctx.Error(root.source(), "schema", "missing required key",
              fmt::format("add `schema = {}` at the top", kSchemaVersion));
  } else if (*schema != kSchemaVersion) {
    r.Error("schema", fmt::format("unsupported schema version {}", *schema),
            fmt::format("this llmbench reads schema {}", kSchemaVersion));
  }
  if (auto name = r.String("name")) {
    if (ValidName(*name))
      s.name = *name;
    else
      r.Error("name", fmt::format("'{}' is not a valid scenario name", *name), "use letters, digits, '_', '-', '.'");
  }
  if (!ValidName(s.name)) {
    ctx.Error(root.source(), "name", fmt::format("file stem '{}' is not a valid scenario name", s.name),
              "rename the file or set `name` (letters, digits, '_', '-', '.')");
  }
  s.description = r.String("description").value_or("");
  s.labels = r.StringArray("labels").value_or(std::vector<std::string>{});
  if (const auto* load = r.Table("load")) s.load = ReadLoad(TableReader(*load, "load", ctx));
  if (const auto* engines = r.Table("engines"))
    s.engines = ReadEngines(*engines, ctx);
  else
    ctx.Error(root.source(), "engines", "missing required table", "add [engines.<name>] with a protocol");
  if (const auto* classes = r.Table("classes"))
    s.classes = ReadClasses(*classes, ctx, s.engines);
  else
    ctx.Error(root.source(), "classes", "missing required table",
              "add [classes.<name>] with input_tokens and output_tokens");
  if (const auto* slo = r.Table("slo")) s.slo = ReadSlo(TableReader(*slo, "slo", ctx));
  if (s.load.slo_search && s.slo.empty()) {
    const toml::node* search = (*r.Table("load"))["slo_search"].node();
    ctx.Error(search->source(), "load.slo_search",
              "searches for the highest rate meeting the [slo], and no [slo] table declares any",
              "add [slo] with ttft, tpot and/or e2e (e.g. ttft = \"500ms\")");
  }
  if (const auto* gate = r.Table("gate")) s.gate = ReadGate(TableReader(*gate, "gate", ctx));
  if (const auto* thresholds = r.Array("thresholds"))
    s.thresholds = ReadThresholds(
        *thresholds, ctx, s.load, s.slo, s.engines,
        std::accumulate(s.classes.begin(), s.classes.end(), 1,
                        [](std::int32_t most, const PromptClass& c) { return std::max(most, c.turns); }));
  if (const auto* checks = r.Table("checks")) s.checks = ReadChecks(TableReader(*checks, "checks", ctx), s.thresholds);
  r.RejectUnknownKeys();
  return s;
}

}  // namespace

Scenario LoadScenarioText(std::string_view text, const std::string& file, const EnvLookup& env) {
  std::vector<Diagnostic> diagnostics;
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    diagnostics.push_back({file, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column), "",
                           std::string(e.description()), "TOML syntax"});
    throw InputError(std::move(diagnostics));
  }
  const LoadContext ctx{file, &diagnostics, env};
  Scenario s = ReadScenario(root, file, ctx);
  if (!diagnostics.empty()) throw InputError(std::move(diagnostics));
  return s;
}

SimSettings LoadSimSettingsText(std::string_view text, const std::string& origin) {
  std::vector<Diagnostic> diagnostics;
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw InputError({{origin, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column), "",
                       std::string(e.description()), "TOML syntax"}});
  }
  const LoadContext ctx{origin, &diagnostics, [](const std::string&) { return std::nullopt; }};
  SimSettings s = ReadSimSettings(TableReader(root, "simulator", ctx));
  if (!diagnostics.empty()) throw InputError(std::move(diagnostics));
  return s;
}

Scenario LoadScenarioFile(const std::string& path, const EnvLookup& env) {
  constexpr std::uintmax_t kMaxScenarioBytes = 16u << 20;
  std::string text;
  try {
    text = ReadRegularFile(path, kMaxScenarioBytes, "scenario file");
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    if (message.rfind(path + ": ", 0) == 0) message.erase(0, path.size() + 2);
    throw InputError({{path, 0, 0, "", message,
                       message.find("directory") != std::string::npos
                           ? "give a scenario .toml file (llmbench list DIR lists the cases of a directory)"
                           : "check the path"}});
  }
  return LoadScenarioText(text, path, env);
}

EnvLookup ProcessEnvironment(const std::string& dotenv_path) {
  auto dotenv = std::make_shared<std::map<std::string, std::string>>();
  std::error_code ec;
  // Only a regular file: a directory or FIFO named .env must not hang or abort the run.
  std::ifstream in;
  if (std::filesystem::is_regular_file(dotenv_path, ec)) in.open(dotenv_path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line.erase(0, 7);
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    (*dotenv)[line.substr(0, eq)] = value;
  }
  return [dotenv](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    if (auto it = dotenv->find(name); it != dotenv->end()) return it->second;
    return std::nullopt;
  };
}

}  // namespace llmbench::scenario
