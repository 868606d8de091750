#include "scenario/sections.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <set>
#include <sstream>

#include "protocol/protocol.hpp"
#include "protocol/tokenizer.hpp"

#include <re2/re2.h>

namespace llmbench::scenario {
namespace {

constexpr std::int64_t kMaxTokens = 1'000'000;
constexpr std::int64_t kMaxTurns = 1'000;
constexpr std::int64_t kMaxConcurrency = 100'000;
constexpr double kMaxRate = 1e6;  // requests/s
constexpr std::string_view kSimProtocol = "sim";

}  // namespace

namespace {

constexpr std::array<std::pair<std::string_view, int>, 7> kSignals{{{"SIGTERM", SIGTERM},
                                                                    {"SIGINT", SIGINT},
                                                                    {"SIGQUIT", SIGQUIT},
                                                                    {"SIGHUP", SIGHUP},
                                                                    {"SIGKILL", SIGKILL},
                                                                    {"SIGUSR1", SIGUSR1},
                                                                    {"SIGUSR2", SIGUSR2}}};

}  // namespace

std::optional<int> ParseSignal(std::string_view name) {
  for (const auto& [n, number] : kSignals) {
    if (n == name || n.substr(3) == name) return number;
  }
  return std::nullopt;
}

std::string_view SignalName(int number) {
  for (const auto& [n, value] : kSignals) {
    if (value == number) return n;
  }
  return "SIGTERM";
}

bool ValidName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

namespace {

std::vector<std::string> ProtocolChoices() {
  auto names = protocol::ProtocolNames();
  names.emplace_back(kSimProtocol);
  return names;
}

// toml::table iterates in key order; users expect engines and classes in file order.
std::vector<std::pair<const toml::key*, const toml::node*>> InFileOrder(const toml::table& t) {
  std::vector<std::pair<const toml::key*, const toml::node*>> out;
  for (const auto& [k, v] : t) out.emplace_back(&k, &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& x = a.first->source().begin;
    const auto& y = b.first->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  return out;
}

void CheckName(const toml::key& key, const std::string& section, const LoadContext& ctx) {
  if (!ValidName(key.str())) {
    ctx.Error(key.source(), section + "." + std::string(key.str()), "invalid name",
              "use letters, digits, '_', '-', '.' (it becomes part of a test name)");
  }
}

// [engines.<name>.launch]: the command that starts the engine on this host, and how to tell it
// is ready and stop it.
Launch ReadLaunch(TableReader r, const std::string& protocol) {
  Launch l;
  const bool ollama = protocol.rfind("ollama", 0) == 0;
  if (ollama) l.ready_url = "/api/version";  // Ollama has no /health
  if (const auto* command = r.Array("command")) {
    std::size_t i = 0;
    for (const auto& arg : *command) {
      const auto* text = arg.as_string();
      if (text == nullptr) {
        r.context().Error(arg.source(), r.KeyPath(fmt::format("command[{}]", i)), "expected a string",
                          "command = [\"llama-server\", \"-m\", \"${MODEL}\", \"--port\", \"8080\"]");
        break;
      }
      std::string error;
      auto expanded = Interpolate(text->get(), r.context().env, error);
      if (!expanded) {
        r.context().Error(arg.source(), r.KeyPath(fmt::format("command[{}]", i)), error,
                          "export the variable, add it to .env, or write ${VAR:-default}");
        break;
      }
      l.command.push_back(std::move(*expanded));
      ++i;
    }
    if (command->empty() || (!l.command.empty() && l.command.front().empty())) {
      r.Error("command", "the command is empty", "its first element is the program to run");
    }
  } else if (!r.table().contains("command")) {
    r.context().Error(r.table().source(), r.KeyPath("command"), "missing required key",
                      "the engine's command line as an array: [\"vllm\", \"serve\", \"MODEL\", \"--port\", \"8000\"]");
  }
  if (const auto* env = r.Table("env")) {
    TableReader e(*env, r.KeyPath("env"), r.context());
    for (const auto& [k, v] : *env) {
      if (auto value = e.InterpolatedString(std::string(k.str()))) l.env[std::string(k.str())] = *value;
    }
  }
  l.workdir = r.InterpolatedString("workdir").value_or("");
  if (auto url = r.InterpolatedString("ready_url")) {
    if (url->empty() || (url->front() != '/' && url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)) {
      r.Error("ready_url", fmt::format("'{}' is neither a path ('/health') nor an http(s):// URL", *url));
    }
    l.ready_url = *url;
  }
  if (auto timeout = r.Duration("ready_timeout")) {
    if (timeout->count() <= 0) r.Error("ready_timeout", "must be > 0", "e.g. ready_timeout = \"10m\"");
    l.ready_timeout = *timeout;
  }
  l.log = r.InterpolatedString("log").value_or("");
  if (auto name = r.String("stop_signal")) {
    if (auto number = ParseSignal(*name)) {
      l.stop_signal = *number;
    } else {
      r.Error("stop_signal", fmt::format("unknown signal '{}'", *name),
              "one of: SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGKILL, SIGUSR1, SIGUSR2");
    }
  }
  if (auto timeout = r.Duration("stop_timeout")) l.stop_timeout = *timeout;
  r.RejectUnknownKeys();
  return l;
}

void ReadPricing(TableReader& r, Engine& e) {
  e.cost_per_hour = r.Number("cost_per_hour", 0, 1e9);
  e.price_per_million_input = r.Number("price_per_million_input", 0, 1e9);
  e.price_per_million_output = r.Number("price_per_million_output", 0, 1e9);
}

Engine ReadEngine(const std::string& name, TableReader r) {
  Engine e;
  e.name = name;
  const auto choices = ProtocolChoices();
  if (auto p = r.String("protocol")) {
    if (std::find(choices.begin(), choices.end(), *p) == choices.end()) {
      const std::string close = ClosestMatch(*p, choices);
      r.Error("protocol", fmt::format("unknown protocol '{}'", *p),
              close.empty() ? fmt::format("one of: {}", fmt::join(choices, ", "))
                            : fmt::format("did you mean '{}'?", close));
    }
    e.protocol = *p;
  } else {
    r.context().Error(r.table().source(), r.KeyPath("protocol"), "missing required key",
                      fmt::format("one of: {}", fmt::join(choices, ", ")));
  }
  const bool sim = e.protocol == kSimProtocol;
  e.url = r.InterpolatedString("url").value_or("");
  if (!sim && e.url.empty() && !r.table().contains("url")) {
    r.context().Error(r.table().source(), r.KeyPath("url"), "missing required key",
                      "the server's base URL, e.g. \"http://127.0.0.1:8000\"");
  } else if (!e.url.empty() && e.url.rfind("http://", 0) != 0 && e.url.rfind("https://", 0) != 0) {
    r.Error("url", fmt::format("'{}' is not an http:// or https:// URL", e.url));
  }
  if (sim && r.table().contains("url")) r.Error("url", "the embedded simulator has no url", "remove it");
  e.path = r.String("path").value_or("");
  if (!e.path.empty() && e.path.front() != '/') r.Error("path", "must start with '/'");
  e.model = r.InterpolatedString("model").value_or(sim ? "llmbench-sim" : "");
  if (e.model.empty() && !sim) {
    r.context().Error(r.table().source(), r.KeyPath("model"), "missing required key",
                      "the model name the server expects");
  }
  e.api_key_env = r.String("api_key_env").value_or("");
  if (const auto* headers = r.Table("headers")) {
    TableReader h(*headers, r.KeyPath("headers"), r.context());
    for (const auto& [k, v] : *headers) {
      if (auto value = h.InterpolatedString(std::string(k.str()))) e.headers[std::string(k.str())] = *value;
    }
  }
  if (const auto* extra = r.Table("extra_body")) {
    std::ostringstream json, text;
    json << toml::json_formatter{*extra};
    text << toml::toml_formatter{toml::table{{"extra_body", *extra}}};
    e.extra_body_json = json.str();
    e.extra_body_toml = text.str();
  }
  e.force_output_length = r.Bool("force_output_length").value_or(true);
  e.required = r.Bool("required").value_or(true);
  ReadPricing(r, e);
  e.requests_per_minute = r.Number("requests_per_minute", 1e-3, 1e9);
  e.tokens_per_minute = r.Number("tokens_per_minute", 1, 1e12);
  e.labels = r.StringArray("labels").value_or(std::vector<std::string>{});
  if (const auto* simulator = r.Table("simulator")) {
    if (!sim) r.Error("simulator", "only engines with protocol = \"sim\" take a [simulator] table");
    e.sim = ReadSimSettings(TableReader(*simulator, r.KeyPath("simulator"), r.context()));
  } else if (sim) {
    e.sim = SimSettings{};
  }
  if (const auto* metrics = r.Table("metrics")) {
    TableReader m(*metrics, r.KeyPath("metrics"), r.context());
    MetricsEndpoint endpoint;
    endpoint.url = m.InterpolatedString("url").value_or("/metrics");
    if (endpoint.url.empty() || (endpoint.url.front() != '/' && endpoint.url.rfind("http://", 0) != 0 &&
                                 endpoint.url.rfind("https://", 0) != 0)) {
      m.Error("url", fmt::format("'{}' is neither a path ('/metrics') nor an http(s):// URL", endpoint.url));
    }
    if (const auto interval = m.Duration("interval")) {
      if (interval->count() != 0 && *interval < std::chrono::milliseconds(100)) {
        m.Error("interval", "scraping more often than every 100ms would load the engine", "e.g. interval = \"1s\"");
      }
      endpoint.interval = *interval;
    }
    m.RejectUnknownKeys();
    e.metrics = endpoint;
  }
  if (const auto* tokenizer = r.Table("tokenizer")) {
    TableReader t(*tokenizer, r.KeyPath("tokenizer"), r.context());
    TokenizerEndpoint endpoint;
    const auto& apis = protocol::TokenizerApiNames();
    if (auto api = t.String("api")) {
      if (!protocol::ParseTokenizerApi(*api)) {
        const std::string close = ClosestMatch(*api, apis);
        t.Error("api", fmt::format("unknown tokenizer api '{}'", *api),
                close.empty() ? fmt::format("one of: {}", fmt::join(apis, ", "))
                              : fmt::format("did you mean '{}'?", close));
      }
      endpoint.api = *api;
    } else if (!tokenizer->contains("api")) {
      r.context().Error(tokenizer->source(), t.KeyPath("api"), "missing required key",
                        fmt::format("one of: {}", fmt::join(apis, ", ")));
    }
    endpoint.url = t.InterpolatedString("url").value_or("");
    if (!endpoint.url.empty() && endpoint.url.rfind("http://", 0) != 0 && endpoint.url.rfind("https://", 0) != 0) {
      t.Error("url", fmt::format("'{}' is not an http:// or https:// URL", endpoint.url),
              "the base URL of the tokenizer's endpoints; leave it out to use the engine's url");
    }
    if (sim && !endpoint.url.empty()) t.Error("url", "the embedded simulator serves its tokenizer itself", "remove it");
    t.RejectUnknownKeys();
    e.tokenizer = endpoint;
  }
  if (const auto* launch = r.Table("launch")) {
    TableReader l(*launch, r.KeyPath("launch"), r.context());
    if (sim) {
      l.context().Error(
          launch->source(), r.KeyPath("launch"), "the embedded simulator starts by itself",
          "to launch the simulator as a process: protocol = \"openai-chat\", url = \"http://127.0.0.1:PORT\", "
          "command = [\"llmbench\", \"sim\", \"--port\", \"PORT\"]");
    } else {
      e.launch = ReadLaunch(std::move(l), e.protocol);
    }
  }
  if (r.table().contains("api_key")) {
    r.Accept("api_key");
    r.Error("api_key", "API keys are never read from scenario files",
            "set api_key_env = \"NAME\" and export NAME (or put NAME=... in .env)");
  }
  r.RejectUnknownKeys();
  return e;
}

SimFaults ReadFaults(TableReader r) {
  SimFaults f;
  f.http_500 = r.Fraction("http_500").value_or(0);
  f.http_400 = r.Fraction("http_400").value_or(0);
  f.http_429 = r.Fraction("http_429").value_or(0);
  f.retry_after = r.Duration("retry_after").value_or(f.retry_after);
  f.stall = r.Fraction("stall").value_or(0);
  f.stall_for = r.Duration("stall_for").value_or(f.stall_for);
  f.disconnect = r.Fraction("disconnect").value_or(0);
  f.malformed = r.Fraction("malformed").value_or(0);
  f.short_output = r.Fraction("short_output").value_or(0);
  f.crossover = r.Fraction("crossover").value_or(0);
  const double total =
      f.http_500 + f.http_400 + f.http_429 + f.stall + f.disconnect + f.malformed + f.short_output + f.crossover;
  if (total > 1.0 + 1e-9) {
    r.context().Error(r.table().source(), r.KeyPath(""), fmt::format("fault rates add up to {} > 1", total));
  }
  r.RejectUnknownKeys();
  return f;
}

}  // namespace

SimSettings ReadSimSettings(TableReader r) {
  SimSettings s;
  if (auto wire = r.String("wire")) {
    const auto& names = protocol::ProtocolNames();
    if (std::find(names.begin(), names.end(), *wire) == names.end()) {
      r.Error("wire", fmt::format("unknown wire protocol '{}'", *wire),
              fmt::format("one of: {}", fmt::join(names, ", ")));
    }
    s.wire = *wire;
  }
  s.prefill_base = r.Duration("prefill_base").value_or(s.prefill_base);
  s.prefill_per_token = r.Duration("prefill_per_token").value_or(s.prefill_per_token);
  s.decode_step = r.Duration("decode_step").value_or(s.decode_step);
  s.decode_per_seq = r.Duration("decode_per_seq").value_or(s.decode_per_seq);
  if (s.decode_step.count() == 0) r.Error("decode_step", "must be greater than zero");
  s.max_batch = r.Int("max_batch", 1, 1'000'000).value_or(s.max_batch);
  s.jitter = r.Fraction("jitter").value_or(s.jitter);
  s.tokens_per_chunk = r.Int("tokens_per_chunk", 1, 1024).value_or(s.tokens_per_chunk);
  s.events_per_write = r.Int("events_per_write", 1, 1024).value_or(s.events_per_write);
  s.seed = static_cast<std::uint64_t>(r.Int("seed", 0, INT64_MAX).value_or(1));
  s.run_drift = r.Fraction("run_drift").value_or(0);
  s.drift = r.Fraction("drift").value_or(0);
  s.drift_period = r.Duration("drift_period").value_or(s.drift_period);
  if (s.drift_period.count() == 0) r.Error("drift_period", "must be greater than zero");
  s.neighbour_slowdown = r.Number("neighbour_slowdown", 0, 100).value_or(0);
  s.neighbour_period = r.Duration("neighbour_period").value_or(s.neighbour_period);
  if (s.neighbour_period.count() == 0) r.Error("neighbour_period", "must be greater than zero");
  s.drift_seed = static_cast<std::uint64_t>(r.Int("drift_seed", 0, INT64_MAX).value_or(0));
  if (auto tokenizer = r.String("tokenizer")) {
    if (*tokenizer != "estimate" && *tokenizer != "subword")
      r.Error("tokenizer", fmt::format("unknown simulator tokenizer '{}'", *tokenizer), "\"estimate\" or \"subword\"");
    s.tokenizer = *tokenizer;
  }
  s.prefix_cache = r.Bool("prefix_cache").value_or(s.prefix_cache);
  if (const auto* faults = r.Table("faults"))
    s.faults = ReadFaults(TableReader(*faults, r.KeyPath("faults"), r.context()));
  r.RejectUnknownKeys();
  return s;
}

SloSearch ReadSloSearch(TableReader r) {
  SloSearch s;
  s.min_rate = r.Number("min_rate", 1e-3, kMaxRate).value_or(s.min_rate);
  if (auto max = r.Number("max_rate", 1e-3, kMaxRate)) {
    s.max_rate = *max;
  } else if (!r.table().contains("max_rate")) {
    r.context().Error(r.table().source(), r.KeyPath("max_rate"), "missing required key",
                      "the highest rate worth probing, req/s, e.g. max_rate = 50");
  }
  if (s.max_rate > 0 && s.max_rate <= s.min_rate) r.Error("max_rate", "must be above min_rate");
  s.precision = r.Fraction("precision").value_or(s.precision);
  if (s.precision < 0.005) r.Error("precision", "must be at least 0.5% (each step is a whole probe)");
  s.attainment = r.Fraction("attainment").value_or(s.attainment);
  if (s.attainment <= 0) r.Error("attainment", "must be above 0");
  s.requests = r.Int("requests", 1, 10'000'000).value_or(0);
  r.RejectUnknownKeys();
  return s;
}

Sweep ReadSweep(TableReader r) {
  Sweep s;
  s.points = static_cast<std::int32_t>(r.Int("points", 1, 100).value_or(s.points));
  s.concurrency = r.Int("concurrency", 2, kMaxConcurrency).value_or(0);
  r.RejectUnknownKeys();
  return s;
}

Load ReadLoad(TableReader r) {
  Load l;
  if (auto levels = r.IntArray("concurrency", 1, kMaxConcurrency)) {
    if (levels->empty()) {
      r.Error("concurrency", "the list of concurrency levels is empty", "e.g. concurrency = [1, 8, 32]");
    } else if (std::set<std::int64_t>(levels->begin(), levels->end()).size() != levels->size()) {
      r.Error("concurrency", "a concurrency level is listed twice");
    } else {
      l.concurrency = *levels;
    }
  }
  if (auto rates = r.NumberArray("rate", 1e-3, kMaxRate)) {
    if (rates->empty()) {
      r.Error("rate", "the list of request rates is empty", "e.g. rate = [2, 5, 10] (requests/s)");
    } else if (std::set<double>(rates->begin(), rates->end()).size() != rates->size()) {
      r.Error("rate", "a rate is listed twice");
    } else {
      l.rate = *rates;
      // Open loop only, unless closed-loop levels are asked for too.
      if (!r.table().contains("concurrency")) l.concurrency.clear();
    }
  }
  // The search's probes and the sweep's points between its ends are open loop too.
  const bool open = !l.rate.empty() || r.table().contains("slo_search") || r.table().contains("sweep");
  const auto open_only = [&](const char* key) {
    if (!open && r.table().contains(key))
      r.Error(key, "applies to open-loop levels only",
              "add rate = [...] (requests/s), [load.sweep] or [load.slo_search]");
  };
  if (auto arrival = r.String("arrival")) {
    const std::vector<std::string> choices{"constant", "poisson", "gamma"};
    if (std::find(choices.begin(), choices.end(), *arrival) == choices.end()) {
      const std::string close = ClosestMatch(*arrival, choices);
      r.Error("arrival", fmt::format("unknown arrival process '{}'", *arrival),
              close.empty() ? "one of: constant, poisson, gamma" : fmt::format("did you mean '{}'?", close));
    } else {
      l.arrival = *arrival;
    }
  }
  open_only("arrival");
  if (r.table().contains("burstiness")) {
    l.burstiness = r.Number("burstiness", 0.01, 100).value_or(l.burstiness);
    if (l.arrival != "gamma")
      r.Error("burstiness", "applies to arrival = \"gamma\" only",
              "write arrival = \"gamma\" (1 = Poisson, < 1 burstier)");
  }
  // These two also serve a trace class's level, which [load] cannot see from here.
  l.max_concurrency = r.Int("max_concurrency", 1, kMaxConcurrency).value_or(l.max_concurrency);
  l.duration = r.Duration("duration").value_or(l.duration);
  open_only("duration");
  l.ramp_up = r.Duration("ramp_up").value_or(l.ramp_up);
  open_only("ramp_up");
  l.max_schedule_lag = r.Duration("max_schedule_lag").value_or(l.max_schedule_lag);
  l.requests = r.Int("requests", 1, 10'000'000).value_or(l.requests);
  l.warmup = r.Int("warmup", 0, 1'000'000).value_or(l.warmup);
  l.timeout = r.Duration("timeout").value_or(l.timeout);
  l.max_duration = r.Duration("max_duration").value_or(l.max_duration);
  l.stagger = r.Duration("stagger").value_or(l.stagger);
  if (l.stagger >= l.max_duration)
    r.Error("stagger", "is not shorter than max_duration, which stops every level", "shorten it");
  if (l.stagger.count() > 0 && l.concurrency.empty())
    r.Error("stagger", "spreads the start of closed-loop levels, and there is none",
            "set concurrency, or drop stagger");
  if (l.timeout.count() == 0) r.Error("timeout", "must be greater than zero");
  if (l.max_duration.count() == 0) r.Error("max_duration", "must be greater than zero");
  if (open && l.duration > l.max_duration)
    r.Error("duration", "is longer than max_duration, which stops every level", "raise max_duration too");
  if (open && l.duration.count() > 0 && l.ramp_up >= l.duration)
    r.Error("ramp_up", "must be shorter than the level's duration");
  l.seed = static_cast<std::uint64_t>(r.Int("seed", 0, INT64_MAX).value_or(1));
  if (r.table().contains("temperature")) l.temperature = r.Number("temperature", 0, 2);
  l.max_retries = r.Int("max_retries", 0, 100).value_or(l.max_retries);
  l.repetitions = r.Int("repetitions", 1, 100).value_or(l.repetitions);
  if (auto policy = r.String("on_error")) {
    const std::vector<std::string> choices{"count", "fail_fast", "exclude"};
    if (std::find(choices.begin(), choices.end(), *policy) == choices.end()) {
      const std::string close = ClosestMatch(*policy, choices);
      r.Error("on_error", fmt::format("unknown policy '{}'", *policy),
              close.empty() ? "one of: count, fail_fast, exclude" : fmt::format("did you mean '{}'?", close));
    } else {
      l.on_error = *policy;
    }
  }
  l.exclude_reason = r.String("exclude_reason").value_or("");
  if (const auto* search = r.Table("slo_search")) {
    l.slo_search = ReadSloSearch(TableReader(*search, r.KeyPath("slo_search"), r.context()));
  }
  if (const auto* sweep = r.Table("sweep")) {
    l.sweep = ReadSweep(TableReader(*sweep, r.KeyPath("sweep"), r.context()));
  }
  // The search or the sweep alone, unless levels are asked for too.
  if ((l.slo_search || l.sweep) && !r.table().contains("concurrency") && !r.table().contains("rate"))
    l.concurrency.clear();
  if (l.on_error == "exclude" && l.exclude_reason.empty()) {
    r.context().Error(r.table().source(), r.KeyPath("exclude_reason"), "missing required key",
                      "say why failed requests may be left out, e.g. exclude_reason = \"free-tier quota (HTTP 429)\"");
  } else if (l.on_error != "exclude" && !l.exclude_reason.empty()) {
    r.Error("exclude_reason", "only with on_error = \"exclude\"");
  }
  r.RejectUnknownKeys();
  return l;
}

GateSettings ReadGate(TableReader r) {
  GateSettings g;
  g.confirm = r.Bool("confirm").value_or(g.confirm);
  g.max_wait_per_slice = r.Duration("max_wait_per_slice").value_or(g.max_wait_per_slice);
  g.max_steal = r.Fraction("max_steal").value_or(g.max_steal);
  g.max_neighbour_cores = r.Number("max_neighbour_cores", 0, 4096).value_or(g.max_neighbour_cores);
  r.RejectUnknownKeys();
  return g;
}

std::vector<Engine> ReadEngines(const toml::table& engines, const LoadContext& ctx) {
  std::vector<Engine> out;
  for (const auto& [key_ptr, node_ptr] : InFileOrder(engines)) {
    const toml::key& key = *key_ptr;
    const toml::node& node = *node_ptr;
    CheckName(key, "engines", ctx);
    const std::string name(key.str());
    if (const auto* t = node.as_table())
      out.push_back(ReadEngine(name, TableReader(*t, "engines." + name, ctx)));
    else
      ctx.Error(node.source(), "engines." + name, "expected a table", "write [engines." + name + "]");
  }
  if (out.empty()) ctx.Error(engines.source(), "engines", "no engine defined", "add [engines.<name>]");
  return out;
}

std::vector<PromptClass> ReadClasses(const toml::table& classes, const LoadContext& ctx,
                                     const std::vector<Engine>& engines) {
  std::vector<PromptClass> out;
  for (const auto& [key_ptr, node_ptr] : InFileOrder(classes)) {
    const toml::key& key = *key_ptr;
    const toml::node& node = *node_ptr;
    CheckName(key, "classes", ctx);
    const std::string name(key.str());
    const auto* t = node.as_table();
    if (!t) {
      ctx.Error(node.source(), "classes." + name, "expected a table", "write [classes." + name + "]");
      continue;
    }
    TableReader r(*t, "classes." + name, ctx);
    PromptClass c;
    c.name = name;
    const auto input = r.Int("input_tokens", 1, kMaxTokens);
    const auto output = r.Int("output_tokens", 1, kMaxTokens);
    c.dataset = r.String("dataset").value_or("");
    if (t->contains("dataset")) {
      if (c.dataset.empty()) r.Error("dataset", "an empty path", "a JSONL file, relative to the scenario's folder");
      if (t->contains("trace")) r.Error("trace", "not with a dataset", "a class replays a trace or samples a dataset");
      for (const char* synthetic : {"input_tokens", "input_stddev", "shared_prefix_tokens"}) {
        if (t->contains(synthetic)) {
          r.Error(synthetic, "not with a dataset: its prompts have their own lengths",
                  "remove it; keep lengths in range with min_input_tokens / max_input_tokens");
        }
      }
      if (auto field = r.String("field")) {
        const std::vector<std::string> fields{"text", "prompt", "messages", "conversations"};
        if (std::find(fields.begin(), fields.end(), *field) == fields.end()) {
          r.Error("field", fmt::format("unknown field '{}'", *field), "one of: text, prompt, messages, conversations");
        }
        c.dataset_field = *field;
      }
      c.min_input_tokens = r.Int("min_input_tokens", 0, kMaxTokens).value_or(0);
      c.max_input_tokens = r.Int("max_input_tokens", 1, kMaxTokens).value_or(0);
      if (c.max_input_tokens > 0 && c.min_input_tokens > c.max_input_tokens) {
        r.Error("min_input_tokens",
                fmt::format("{} is above max_input_tokens = {}", c.min_input_tokens, c.max_input_tokens));
      }
    } else if (t->contains("trace")) {
      c.trace = r.String("trace").value_or("");
      if (c.trace.empty()) r.Error("trace", "an empty path", "a JSONL file, relative to the scenario's folder");
      for (const char* synthetic :
           {"input_tokens", "input_stddev", "output_tokens", "output_stddev", "shared_prefix_tokens"}) {
        if (t->contains(synthetic)) {
          r.Error(synthetic, "not with a trace: each request has its entry's lengths", "remove it");
        }
      }
      c.trace_time_scale = r.Number("trace_time_scale", 1e-3, 1e6).value_or(1);
      if (auto unit = r.String("trace_time_unit")) {
        if (*unit != "ms" && *unit != "s")
          r.Error("trace_time_unit", fmt::format("unknown unit '{}'", *unit), "\"ms\" or \"s\"");
        c.trace_time_unit = *unit;
      }
      c.trace_requests = r.Int("trace_requests", 1, 10'000'000).value_or(0);
    } else if (!t->contains("input_tokens")) {
      ctx.Error(t->source(), r.KeyPath("input_tokens"), "missing required key",
                "mean prompt length in tokens (or dataset = \"prompts.jsonl\" for prompts from a file)");
    }
    if (!t->contains("output_tokens") && !t->contains("trace"))
      ctx.Error(t->source(), r.KeyPath("output_tokens"), "missing required key",
                "output length in tokens (max_tokens)");
    c.input_tokens = input.value_or(0);
    c.output_tokens = output.value_or(0);
    c.input_stddev = r.Int("input_stddev", 0, kMaxTokens).value_or(0);
    c.output_stddev = r.Int("output_stddev", 0, kMaxTokens).value_or(0);
    c.shared_prefix_tokens = r.Int("shared_prefix_tokens", 0, kMaxTokens).value_or(0);
    if (c.input_tokens > 0 && c.shared_prefix_tokens >= c.input_tokens) {
      r.Error("shared_prefix_tokens",
              fmt::format("{} leaves no room in input_tokens = {}", c.shared_prefix_tokens, c.input_tokens),
              "the shared prefix must be shorter than the prompt");
    }
    c.turns = static_cast<std::int32_t>(r.Int("turns", 1, kMaxTurns).value_or(1));
    c.think_time = r.Duration("think_time").value_or(c.think_time);
    if (t->contains("think_time") && c.turns < 2)
      r.Error("think_time", "applies to multi-turn classes only", "add turns = 2 or more");
    if (c.turns > 1 && !c.trace.empty())
      r.Error("turns", "not with a trace: each entry is one request", "a trace replays requests as recorded");
    if (t->contains("temperature")) c.temperature = r.Number("temperature", 0, 2);
    if (t->contains("top_p")) {
      c.top_p = r.Number("top_p", 0, 1);
      if (c.top_p && *c.top_p <= 0) r.Error("top_p", "must be greater than 0", "e.g. top_p = 0.9");
    }
    c.top_k = r.Int("top_k", 1, 1'000'000);
    c.sampling_seed = r.Int("sampling_seed", 0, INT64_MAX);
    c.labels = r.StringArray("labels").value_or(std::vector<std::string>{});
    if (auto only = r.StringArray("engines")) {
      for (const auto& e : *only) {
        if (std::none_of(engines.begin(), engines.end(), [&](const Engine& x) { return x.name == e; })) {
          std::vector<std::string> names;
          for (const auto& x : engines) names.push_back(x.name);
          r.Error("engines", fmt::format("undefined engine '{}'", e),
                  fmt::format("defined: {}", fmt::join(names, ", ")));
        }
      }
      c.engines = *only;
    }
    r.RejectUnknownKeys();
    out.push_back(std::move(c));
  }
  if (out.empty()) ctx.Error(classes.source(), "classes", "no prompt class defined", "add [classes.<name>]");
  return out;
}

Slo ReadSlo(TableReader r) {
  Slo s{r.Duration("ttft"), r.Duration("tpot"), r.Duration("e2e")};
  if (s.empty()) r.context().Error(r.table().source(), "slo", "an empty [slo] table", "set ttft, tpot and/or e2e");
  r.RejectUnknownKeys();
  return s;
}

Checks ReadChecks(TableReader r, std::vector<ThresholdSpec>& thresholds) {
  Checks checks;
  const auto add = [&](const char* check, const char* rule) {
    ThresholdSpec t;
    t.expression = rule;
    t.check = check;
    const auto& where = r.table()[check].node()->source();
    t.line = static_cast<int>(where.begin.line);
    t.column = static_cast<int>(where.begin.column);
    ThresholdError error;
    t.parsed = *ParseThreshold(t.expression, error);  // our own rule: it parses
    thresholds.push_back(std::move(t));
  };
  checks.output_length = r.Bool("output_length").value_or(false);
  if (checks.output_length) add("output_length", "output_length_mismatch == 0%");
  checks.crossover = r.Bool("crossover").value_or(false);
  if (checks.crossover) add("crossover", "crossover_mismatch == 0%");
  if (auto expect = r.String("expect")) {
    const RE2 re(*expect, RE2::Quiet);
    if (expect->empty()) {
      r.Error("expect", "an empty pattern matches every answer", "remove it, or write what an answer must contain");
    } else if (!re.ok()) {
      r.Error("expect", fmt::format("not an RE2 pattern: {}", re.error()),
              "RE2 syntax: https://github.com/google/re2/wiki/Syntax");
    } else {
      checks.expect = *expect;
      add("expect", "expect_mismatch == 0%");
    }
  }
  r.RejectUnknownKeys();
  return checks;
}

std::vector<ThresholdSpec> ReadThresholds(const toml::array& rules, const LoadContext& ctx, const Load& load,
                                          const Slo& slo, const std::vector<Engine>& engines, std::int32_t max_turns) {
  const bool scraped =
      std::any_of(engines.begin(), engines.end(), [](const Engine& e) { return e.metrics.has_value(); });
  std::vector<ThresholdSpec> out;
  for (const auto& node : rules) {
    ThresholdSpec t;
    t.line = static_cast<int>(node.source().begin.line);
    t.column = static_cast<int>(node.source().begin.column);
    if (const auto* s = node.as_string()) {
      t.expression = s->get();
    } else if (const auto* table = node.as_table()) {
      TableReader r(*table, "thresholds[]", ctx);
      t.expression = r.String("rule").value_or("");
      if (!table->contains("rule"))
        ctx.Error(table->source(), "thresholds[].rule", "missing required key", "e.g. rule = \"ttft.p95 < 500ms\"");
      if (auto levels = r.IntArray("concurrency", 1, kMaxConcurrency)) {
        for (auto level : *levels) {
          if (std::find(load.concurrency.begin(), load.concurrency.end(), level) == load.concurrency.end()) {
            r.Error("concurrency", fmt::format("concurrency {} is not one of load.concurrency", level));
          }
        }
        t.concurrency = *levels;
      }
      if (auto rates = r.NumberArray("rate", 1e-3, kMaxRate)) {
        for (auto rate : *rates) {
          if (std::find(load.rate.begin(), load.rate.end(), rate) == load.rate.end()) {
            r.Error("rate", fmt::format("rate {:g} is not one of load.rate", rate));
          }
        }
        t.rate = *rates;
      }
      if (auto points = r.IntArray("sweep", 0, 1'000)) {
        for (auto k : *points) {
          if (!load.sweep || k > load.sweep->points + 1)
            r.Error("sweep", load.sweep
                                 ? fmt::format("point {} is not one of the sweep's 0 … {}", k, load.sweep->points + 1)
                                 : std::string("names sweep points, and [load] has no sweep table"));
          else
            t.sweep.push_back(static_cast<std::int32_t>(k));
        }
      }
      r.RejectUnknownKeys();
    } else {
      ctx.Error(node.source(), "thresholds[]", "expected a rule string or a table {rule, concurrency, rate, sweep}");
      continue;
    }
    // A table without its rule has its error already ("missing required key"): nothing to parse.
    if (node.as_table() && !node.as_table()->contains("rule")) continue;
    ThresholdError error;
    auto parsed = ParseThreshold(t.expression, error);
    if (parsed && slo.empty() &&
        (parsed->metric == "goodput" || parsed->metric == "goodput_throughput" || parsed->metric == "slo_attainment")) {
      error = {"goodput counts requests that meet the SLOs, and no [slo] table declares any",
               "add [slo] with ttft, tpot and/or e2e (e.g. ttft = \"500ms\")", 0};
      parsed.reset();
    }
    if (parsed && !load.slo_search && (parsed->metric == "max_rate_under_slo" || parsed->metric == "search_probes")) {
      error = {"this rule reads the SLO search's result, and [load] has no slo_search table",
               "add [load.slo_search] with max_rate (req/s) and an [slo]", 0};
      parsed.reset();
    }
    if (const std::string turn = parsed && parsed->metric.rfind("ttft_turn_", 0) == 0 ? parsed->metric.substr(10) : "";
        !turn.empty() && (turn.size() > 4 || std::stoi(turn) > max_turns)) {
      error = {fmt::format("no class has {} turns (the most is {})", turn, max_turns),
               "a multi-turn class declares turns = N; ttft_turn_1 … ttft_turn_N are its turns' TTFT", 0};
      parsed.reset();
    }
    if (parsed && !scraped &&
        (parsed->metric.rfind("server.", 0) == 0 || parsed->metric == "server_output_tokens_discrepancy")) {
      error = {"this rule reads the engine's /metrics, and no engine has a [metrics] table",
               "add [engines.<name>.metrics] (url = \"/metrics\" by default)", 0};
      parsed.reset();
    }
    if (parsed) {
      t.parsed = *parsed;
      out.push_back(std::move(t));
    } else {
      // Point into the string: the literal's opening quote is at the node's column.
      // A table without a "rule" (found by fuzz_scenario_toml: a null node) points at the table.
      const toml::node* rule = node.as_table() ? (*node.as_table())["rule"].node() : nullptr;
      const auto& where = rule != nullptr ? rule->source() : node.source();
      ctx.diagnostics->push_back({ctx.file, static_cast<int>(where.begin.line),
                                  static_cast<int>(where.begin.column + 1 + error.offset), "thresholds[]",
                                  fmt::format("in \"{}\": {}", t.expression, error.message), error.hint});
    }
  }
  return out;
}

}  // namespace llmbench::scenario
