// Scenario loading: good files load with the values written; each class of bad input gives its
// precise error (file:line:col, key path, hint), all errors at once.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>

#include "base/diagnostic.hpp"
#include "scenario/expand.hpp"
#include "scenario/load_toml.hpp"
#include "scenario/to_toml.hpp"
#include "test_support.hpp"

using namespace llmbench;
using namespace llmbench::scenario;
using namespace std::chrono_literals;

namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& k) -> std::optional<std::string> {
    if (auto it = vars.find(k); it != vars.end()) return it->second;
    return std::nullopt;
  };
}

const char* const kGood = R"(schema = 1
description = "two engines, two classes"
labels = ["nightly"]
thresholds = ["ttft.p95 < 500ms", { rule = "itl.p50 < 40ms", concurrency = [64] }]

[engines.vllm]
protocol = "openai-chat"
url = "${VLLM_URL:-http://127.0.0.1:8000}"
model = "meta-llama/Llama-3.1-8B-Instruct"
api_key_env = "VLLM_KEY"
headers = { X-Team = "${TEAM}" }
extra_body = { top_p = 0.9 }
required = false
cost_per_hour = 2.5

[engines.sim]
protocol = "sim"
[engines.sim.simulator]
decode_step = "20ms"
jitter = "5%"
faults = { http_429 = 0.01, retry_after = "100ms" }

[classes.short_short]
input_tokens = 128
output_tokens = 64
[classes.long_long]
input_tokens = 2048
input_stddev = 100
output_tokens = 512
engines = ["sim"]

[load]
concurrency = [1, 8, 64]
requests = 100
warmup = 4
timeout = "30s"
seed = 7
)";

// Loads `text` expecting failure; returns the diagnostics.
std::vector<Diagnostic> Errors(const std::string& text, std::map<std::string, std::string> env = {}) {
  try {
    LoadScenarioText(text, "bad.toml", FakeEnv(std::move(env)));
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  BOOST_FAIL("loaded without error:\n" << text);
  return {};
}

// The single diagnostic of a bad file, checked for key and position.
Diagnostic OnlyError(const std::string& text, const std::string& key, int line, int column = 0) {
  const auto errors = Errors(text);
  BOOST_TEST_REQUIRE(errors.size() == 1u, [&] {
    std::string all;
    for (const auto& e : errors) all += FormatDiagnostic(e) + "\n";
    return all;
  }());
  BOOST_TEST(errors[0].file == "bad.toml");
  BOOST_TEST(errors[0].key_path == key);
  BOOST_TEST(errors[0].line == line);
  if (column) BOOST_TEST(errors[0].column == column);
  return errors[0];
}

const std::string kMinimal =
    "schema = 1\n[engines.sim]\nprotocol = \"sim\"\n[classes.a]\ninput_tokens = 10\noutput_tokens = 10\n";

}  // namespace

BOOST_AUTO_TEST_CASE(good_file_loads_every_value) {
  const Scenario s = LoadScenarioText(kGood, "dir/pair.toml", FakeEnv({{"TEAM", "perf"}}));
  BOOST_TEST(s.name == "pair");
  BOOST_TEST_REQUIRE(s.engines.size() == 2u);
  const Engine& v = s.engines[0];
  BOOST_TEST(v.name == "vllm");
  BOOST_TEST(v.url == "http://127.0.0.1:8000");
  BOOST_TEST(v.headers.at("X-Team") == "perf");
  BOOST_TEST(v.extra_body_json.find("\"top_p\"") != std::string::npos);
  BOOST_TEST(!v.required);
  BOOST_TEST(v.cost_per_hour.value() == 2.5);
  BOOST_TEST(v.api_key_env == "VLLM_KEY");
  const Engine& sim = s.engines[1];
  BOOST_TEST_REQUIRE(sim.sim.has_value());
  BOOST_TEST((sim.sim->decode_step == 20ms));
  BOOST_TEST(sim.sim->jitter == 0.05);
  BOOST_TEST(sim.sim->faults.http_429 == 0.01);
  BOOST_TEST((sim.sim->faults.retry_after == 100ms));
  BOOST_TEST((s.load.concurrency == std::vector<std::int64_t>{1, 8, 64}));
  BOOST_TEST(s.load.requests == 100);
  BOOST_TEST((s.load.timeout == 30s));
  BOOST_TEST_REQUIRE(s.thresholds.size() == 2u);
  BOOST_TEST((s.thresholds[1].concurrency == std::vector<std::int64_t>{64}));
  BOOST_TEST(s.thresholds[0].line == 4);
}

BOOST_AUTO_TEST_CASE(expansion_respects_class_engine_lists_and_seeds_by_class) {
  const Scenario s = LoadScenarioText(kGood, "pair.toml", FakeEnv({{"TEAM", "x"}}));
  const auto cases = Expand(s);
  BOOST_TEST_REQUIRE(cases.size() == 3u);
  BOOST_TEST(cases[0].id == "pair/vllm/short_short");
  BOOST_TEST(cases[1].id == "pair/sim/short_short");
  BOOST_TEST(cases[2].id == "pair/sim/long_long");
  BOOST_TEST(cases[0].prompt_seed == cases[1].prompt_seed);
  BOOST_TEST(cases[1].prompt_seed != cases[2].prompt_seed);
  BOOST_TEST(CaseTimeBudget(cases[0]) > s.load.max_duration);
}

BOOST_AUTO_TEST_CASE(round_trip_through_toml_text_is_identity) {
  const Scenario a = LoadScenarioText(kGood, "pair.toml", FakeEnv({{"TEAM", "x"}}));
  const std::string text = ToToml(a);
  const Scenario b = LoadScenarioText(text, "pair.toml", FakeEnv({}));
  BOOST_TEST(ToToml(b) == text);
  // toml++ writes tables in key order, so compare engines by name.
  const auto engine = [](const Scenario& s, const std::string& name) {
    return *std::find_if(s.engines.begin(), s.engines.end(), [&](const Engine& e) { return e.name == name; });
  };
  BOOST_TEST(engine(b, "vllm").url == engine(a, "vllm").url);
  BOOST_TEST(engine(b, "vllm").extra_body_json == engine(a, "vllm").extra_body_json);
  BOOST_TEST(engine(b, "sim").sim->faults.http_429 == 0.01);
  BOOST_TEST(b.thresholds.size() == a.thresholds.size());
}

BOOST_AUTO_TEST_CASE(bundled_scenarios_load) {
  for (const char* file : {"quickstart.toml", "examples/vllm-openai.toml", "examples/tgi.toml", "examples/dataset.toml",
                           "examples/open-loop.toml", "examples/sweep.toml", "examples/multi-turn.toml"}) {
    BOOST_CHECK_NO_THROW(
        LoadScenarioFile(std::string(llmbench::testing::kSourceDir) + "/scenarios/" + file, FakeEnv({})));
  }
}

BOOST_AUTO_TEST_CASE(syntax_error_names_line_and_column) {
  const auto d = OnlyError(kMinimal + "[load\n", "", 7, 6);
  BOOST_TEST(d.hint == "TOML syntax");
}

BOOST_AUTO_TEST_CASE(unknown_key_suggests_the_closest) {
  const auto d = OnlyError(kMinimal + "[load]\nconcurency = [1]\n", "load.concurency", 8, 1);
  BOOST_TEST(d.message == "unknown key");
  BOOST_TEST(d.hint == "did you mean 'concurrency'?");
  const auto top = OnlyError("schema = 1\nenignes = 3\n" + kMinimal.substr(11), "enignes", 2, 1);
  BOOST_TEST(top.hint == "did you mean 'engines'?");
}

BOOST_AUTO_TEST_CASE(wrong_types) {
  auto d = OnlyError(kMinimal + "[load]\nrequests = \"100\"\n", "load.requests", 8);
  BOOST_TEST(d.message == "expected an integer, found a string");
  d = OnlyError(kMinimal + "[load]\nconcurrency = 4\n", "load.concurrency", 8);
  BOOST_TEST(d.message == "expected an array of integers, found an integer");
  d = OnlyError(kMinimal + "[load]\nconcurrency = [1, \"8\"]\n", "load.concurrency", 8, 19);
}

BOOST_AUTO_TEST_CASE(bad_units) {
  auto d = OnlyError(kMinimal + "[load]\ntimeout = \"30\"\n", "load.timeout", 8);
  BOOST_TEST(d.message == "'30' is not a duration");
  BOOST_TEST(d.hint.find("ms") != std::string::npos);
  d = OnlyError(kMinimal + "[load]\ntimeout = 30\n", "load.timeout", 8);
  d = OnlyError(kMinimal + "[load]\ntimeout = \"30 fortnights\"\n", "load.timeout", 8);
  d = OnlyError(kMinimal + "[engines.sim.simulator]\njitter = \"5 percent\"\n", "engines.sim.simulator.jitter", 8);
}

BOOST_AUTO_TEST_CASE(impossible_values) {
  OnlyError(kMinimal + "[load]\nconcurrency = []\n", "load.concurrency", 8);
  OnlyError(kMinimal + "[load]\nconcurrency = [1, 0]\n", "load.concurrency", 8);
  OnlyError(kMinimal + "[load]\nconcurrency = [4, 4]\n", "load.concurrency", 8);
  OnlyError(kMinimal + "[load]\nrequests = 0\n", "load.requests", 8);
  OnlyError(kMinimal + "[load]\ntimeout = \"0s\"\n", "load.timeout", 8);
  auto d =
      OnlyError("schema = 1\n[engines.sim]\nprotocol = \"sim\"\n[classes.a]\ninput_tokens = -5\noutput_tokens = 10\n",
                "classes.a.input_tokens", 5);
  BOOST_TEST(d.message == "-5 is out of range");
  OnlyError(kMinimal + "[engines.sim.simulator.faults]\nhttp_500 = 0.7\ndisconnect = 0.6\n",
            "engines.sim.simulator.faults.", 7);
}

BOOST_AUTO_TEST_CASE(undefined_engine_and_unknown_protocol) {
  auto d = OnlyError(kMinimal + "engines = [\"vllm\"]\n", "classes.a.engines", 7);
  BOOST_TEST(d.message == "undefined engine 'vllm'");
  BOOST_TEST(d.hint == "defined: sim");
  d = OnlyError(
      "schema = 1\n[engines.x]\nprotocol = \"openai-caht\"\nurl = \"http://h\"\nmodel = "
      "\"m\"\n[classes.a]\ninput_tokens = 1\noutput_tokens = 1\n",
      "engines.x.protocol", 3);
  BOOST_TEST(d.hint == "did you mean 'openai-chat'?");
}

BOOST_AUTO_TEST_CASE(missing_required_keys_all_reported_at_once) {
  const auto errors = Errors("[engines.x]\nurl = \"http://h\"\n[classes.a]\n");
  std::vector<std::string> keys;
  for (const auto& e : errors) keys.push_back(e.key_path);
  BOOST_TEST((keys == std::vector<std::string>{"schema", "engines.x.protocol", "engines.x.model",
                                               "classes.a.input_tokens", "classes.a.output_tokens"}));
}

BOOST_AUTO_TEST_CASE(api_key_in_file_is_refused) {
  const auto d = OnlyError(
      kMinimal +
          "[engines.api]\nprotocol = \"openai-chat\"\nurl = \"https://x\"\nmodel = \"m\"\napi_key = \"sk-123\"\n",
      "engines.api.api_key", 11);
  BOOST_TEST(d.hint.find("api_key_env") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(interpolation) {
  std::string error;
  const auto env = FakeEnv({{"HOST", "gpu1"}, {"EMPTY", ""}});
  BOOST_TEST(Interpolate("http://${HOST}:8000", env, error).value() == "http://gpu1:8000");
  BOOST_TEST(Interpolate("${MISSING:-http://localhost}", env, error).value() == "http://localhost");
  BOOST_TEST(Interpolate("${EMPTY:-fallback}", env, error).value() == "fallback");
  BOOST_TEST(Interpolate("cost $$5 ${HOST}$", env, error).value() == "cost $5 gpu1$");
  BOOST_TEST(!Interpolate("${MISSING}", env, error).has_value());
  BOOST_TEST(error == "environment variable MISSING is not set");
  BOOST_TEST(!Interpolate("${HOST", env, error).has_value());
  BOOST_TEST(!Interpolate("${:-x}", env, error).has_value());
  const auto d =
      OnlyError(kMinimal + "[engines.v]\nprotocol = \"tgi\"\nurl = \"${NOPE}\"\nmodel = \"m\"\n", "engines.v.url", 9);
  BOOST_TEST(d.message == "environment variable NOPE is not set");
}

BOOST_AUTO_TEST_CASE(top_level_key_after_a_table_header_is_explained) {
  const auto d = OnlyError(kMinimal + "thresholds = []\n", "classes.a.thresholds", 7);
  BOOST_TEST(d.hint.find("move it above the first [table]") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unsupported_schema_and_bad_names) {
  OnlyError("schema = 2\n" + kMinimal.substr(11), "schema", 1);
  OnlyError(kMinimal + "[classes.\"a b\"]\ninput_tokens = 1\noutput_tokens = 1\n", "classes.a b", 7);
}

BOOST_AUTO_TEST_CASE(engine_metrics_table_and_rules_that_need_it) {
  const Scenario s = LoadScenarioText(
      "schema = 1\nthresholds = [\"server.vllm:num_preemptions_total.delta == 0\"]\n"
      "[engines.vllm]\nprotocol = \"openai-chat\"\nurl = \"http://127.0.0.1:8000\"\nmodel = \"m\"\n"
      "[engines.vllm.metrics]\ninterval = \"500ms\"\n[engines.sim]\nprotocol = \"sim\"\n"
      "[engines.sim.metrics]\nurl = \"http://127.0.0.1:9400/metrics\"\ninterval = \"0s\"\n"
      "[classes.a]\ninput_tokens = 10\noutput_tokens = 10\n",
      "m.toml", FakeEnv({}));
  BOOST_TEST_REQUIRE(s.engines[0].metrics.has_value());
  BOOST_TEST(s.engines[0].metrics->url == "/metrics");
  BOOST_TEST((s.engines[0].metrics->interval == 500ms));
  BOOST_TEST(s.engines[1].metrics->url == "http://127.0.0.1:9400/metrics");
  BOOST_TEST(s.engines[1].metrics->interval.count() == 0);
  BOOST_TEST(s.thresholds[0].parsed.metric == "server.vllm:num_preemptions_total");
  // Without a [metrics] table the rule could never be checked: a load error, not a run-time failure.
  auto errors = Errors("schema = 1\nthresholds = [\"server.x.max < 1\", \"server_output_tokens_discrepancy < 1%\"]\n" +
                       kMinimal.substr(11));
  BOOST_TEST_REQUIRE(errors.size() == 2u);
  BOOST_TEST(errors[0].message.find("no engine has a [metrics] table") != std::string::npos, errors[0].message);
  OnlyError(kMinimal + "[engines.sim.metrics]\nurl = \"metrics\"\n", "engines.sim.metrics.url", 8);
  OnlyError(kMinimal + "[engines.sim.metrics]\ninterval = \"10ms\"\n", "engines.sim.metrics.interval", 8);
  OnlyError(kMinimal + "[engines.sim.metrics]\nintervall = \"1s\"\n", "engines.sim.metrics.intervall", 8);
}

BOOST_AUTO_TEST_CASE(engine_tokenizer_table) {
  const Scenario s = LoadScenarioText(
      "schema = 1\n[engines.vllm]\nprotocol = \"openai-chat\"\nurl = \"http://127.0.0.1:8000\"\nmodel = \"m\"\n"
      "[engines.vllm.tokenizer]\napi = \"vllm\"\n[engines.tgi]\nprotocol = \"tgi\"\nurl = \"http://127.0.0.1:8080\"\n"
      "model = \"m\"\n[engines.tgi.tokenizer]\napi = \"tgi\"\nurl = \"http://127.0.0.1:3001\"\n"
      "[engines.sim]\nprotocol = \"sim\"\n[engines.sim.simulator]\ntokenizer = \"subword\"\n"
      "[classes.a]\ninput_tokens = 10\noutput_tokens = 10\n",
      "t.toml", FakeEnv({}));
  BOOST_TEST_REQUIRE(s.engines.size() == 3u);
  BOOST_TEST_REQUIRE(s.engines[0].tokenizer.has_value());
  BOOST_TEST(s.engines[0].tokenizer->api == "vllm");
  BOOST_TEST(s.engines[0].tokenizer->url.empty());  // the engine's own URL
  BOOST_TEST(s.engines[1].tokenizer->url == "http://127.0.0.1:3001");
  BOOST_TEST(!s.engines[2].tokenizer.has_value());
  BOOST_TEST(s.engines[2].sim->tokenizer == "subword");
  auto d = OnlyError(kMinimal + "[engines.sim.tokenizer]\napi = \"vlm\"\n", "engines.sim.tokenizer.api", 8);
  BOOST_TEST(d.hint.find("did you mean 'vllm'") != std::string::npos, d.hint);
  d = OnlyError(kMinimal + "[engines.sim.tokenizer]\n", "engines.sim.tokenizer.api", 7);
  BOOST_TEST(d.message == "missing required key");
  BOOST_TEST(d.hint.find("llamacpp, vllm, tgi") != std::string::npos, d.hint);
  OnlyError(kMinimal + "[engines.sim.tokenizer]\napi = \"vllm\"\nurl = \"http://127.0.0.1:1\"\n",
            "engines.sim.tokenizer.url", 9);
  OnlyError(kMinimal + "[engines.sim.tokenizer]\napi = \"vllm\"\nurls = \"x\"\n", "engines.sim.tokenizer.urls", 9);
  OnlyError(kMinimal + "[engines.sim.tokenizer]\napi = 3\n", "engines.sim.tokenizer.api", 8);
  OnlyError(kMinimal + "[engines.sim.simulator]\ntokenizer = \"bpe\"\n", "engines.sim.simulator.tokenizer", 8);
  OnlyError(
      "schema = 1\n[engines.e]\nprotocol = \"openai-chat\"\nurl = \"http://127.0.0.1:1\"\nmodel = \"m\"\n"
      "[engines.e.tokenizer]\napi = \"llamacpp\"\nurl = \"127.0.0.1:8080\"\n[classes.a]\ninput_tokens = 1\n"
      "output_tokens = 1\n",
      "engines.e.tokenizer.url", 8);
}

BOOST_AUTO_TEST_CASE(checks_become_rules_marked_with_their_check) {
  const Scenario s = LoadScenarioText(
      "schema = 1\nthresholds = [\"ttft.p95 < 500ms\"]\n[checks]\noutput_length = true\n" + kMinimal.substr(11),
      "c.toml", FakeEnv({}));
  BOOST_TEST_REQUIRE(s.thresholds.size() == 2u);
  BOOST_TEST(s.thresholds[0].check.empty());
  BOOST_TEST(s.thresholds[1].check == "output_length");
  BOOST_TEST(s.thresholds[1].expression == "output_length_mismatch == 0%");
  BOOST_TEST(s.thresholds[1].parsed.metric == "output_length_mismatch");
  BOOST_TEST(s.thresholds[1].line == 4);
  const Scenario off =
      LoadScenarioText("schema = 1\n[checks]\noutput_length = false\n" + kMinimal.substr(11), "c.toml", FakeEnv({}));
  BOOST_TEST(off.thresholds.empty());
  auto d = OnlyError("schema = 1\n[checks]\noutput_lenght = true\n" + kMinimal.substr(11), "checks.output_lenght", 3);
  BOOST_TEST(d.hint.find("output_length") != std::string::npos, d.hint);
  OnlyError("schema = 1\n[checks]\noutput_length = \"yes\"\n" + kMinimal.substr(11), "checks.output_length", 3);
}

BOOST_AUTO_TEST_CASE(crossover_and_expect_checks_and_bad_patterns) {
  const Scenario s =
      LoadScenarioText("schema = 1\n[checks]\ncrossover = true\nexpect = \"(?i)k[0-9]+\"\n" + kMinimal.substr(11),
                       "c.toml", FakeEnv({}));
  BOOST_TEST(s.checks.crossover);
  BOOST_TEST(s.checks.expect == "(?i)k[0-9]+");
  BOOST_TEST(s.checks.needs_text());
  BOOST_TEST_REQUIRE(s.thresholds.size() == 2u);
  BOOST_TEST(s.thresholds[0].check == "crossover");
  BOOST_TEST(s.thresholds[0].expression == "crossover_mismatch == 0%");
  BOOST_TEST(s.thresholds[1].check == "expect");
  BOOST_TEST(s.thresholds[1].expression == "expect_mismatch == 0%");
  BOOST_TEST(s.thresholds[1].line == 4);
  auto d = OnlyError("schema = 1\n[checks]\nexpect = \"(unclosed\"\n" + kMinimal.substr(11), "checks.expect", 3);
  BOOST_TEST(d.message.find("not an RE2 pattern") != std::string::npos, d.message);
  d = OnlyError("schema = 1\n[checks]\nexpect = \"\"\n" + kMinimal.substr(11), "checks.expect", 3);
  BOOST_TEST(d.message.find("empty pattern") != std::string::npos, d.message);
  OnlyError("schema = 1\n[checks]\ncrossover = 1\n" + kMinimal.substr(11), "checks.crossover", 3);
  OnlyError(kMinimal + "[engines.sim.simulator.faults]\ncrossover = 2\n", "engines.sim.simulator.faults.crossover", 8);
}

BOOST_AUTO_TEST_CASE(launch_table_loads_round_trips_and_rejects_what_cannot_start) {
  const std::string engine =
      "schema = 1\n[engines.llama]\nprotocol = \"llamacpp-completion\"\nurl = \"http://127.0.0.1:8080\"\n"
      "model = \"m\"\n[engines.llama.launch]\n";
  const std::string rest = "[classes.a]\ninput_tokens = 10\noutput_tokens = 10\n";
  const Scenario s =
      LoadScenarioText(engine +
                           "command = [\"llama-server\", \"-m\", \"${MODEL:-tiny.gguf}\", \"--port\", "
                           "\"8080\"]\nenv = { OMP_NUM_THREADS = \"${THREADS}\" }\nworkdir = \"models\"\n"
                           "ready_timeout = \"2m\"\nlog = \"llama.log\"\nstop_signal = \"INT\"\n"
                           "stop_timeout = \"10s\"\n" +
                           rest,
                       "l.toml", FakeEnv({{"THREADS", "2"}}));
  BOOST_TEST_REQUIRE(s.engines[0].launch.has_value());
  const Launch& l = *s.engines[0].launch;
  BOOST_TEST(l.command == (std::vector<std::string>{"llama-server", "-m", "tiny.gguf", "--port", "8080"}));
  BOOST_TEST(l.env.at("OMP_NUM_THREADS") == "2");
  BOOST_TEST(l.workdir == "models");
  BOOST_TEST(l.ready_url == "/health");
  BOOST_TEST((l.ready_timeout == 2min));
  BOOST_TEST(l.log == "llama.log");
  BOOST_TEST(l.stop_signal == 2);
  BOOST_TEST((l.stop_timeout == 10s));
  const Scenario back = LoadScenarioText(ToToml(s), "l.toml", FakeEnv({}));
  BOOST_TEST(back.engines[0].launch->command == l.command);
  BOOST_TEST(back.engines[0].launch->stop_signal == 2);
  BOOST_TEST(ToToml(back) == ToToml(s));

  // Ollama has no /health: its version endpoint tells it is up.
  const Scenario ollama = LoadScenarioText(
      "schema = 1\n[engines.o]\nprotocol = \"ollama-chat\"\nurl = \"http://127.0.0.1:11434\"\nmodel = \"m\"\n"
      "[engines.o.launch]\ncommand = [\"ollama\", \"serve\"]\n" +
          rest,
      "o.toml", FakeEnv({}));
  BOOST_TEST(ollama.engines[0].launch->ready_url == "/api/version");

  OnlyError(engine + rest, "engines.llama.launch.command", 6);  // missing
  OnlyError(engine + "command = []\n" + rest, "engines.llama.launch.command", 7);
  OnlyError(engine + "command = [\"x\", 3]\n" + rest, "engines.llama.launch.command[1]", 7);
  OnlyError(engine + "command = [\"x\", \"${NOPE}\"]\n" + rest, "engines.llama.launch.command[1]", 7);
  auto d = OnlyError(engine + "command = [\"x\"]\nstop_signal = \"SIGSTOP\"\n" + rest,
                     "engines.llama.launch.stop_signal", 8);
  BOOST_TEST(d.hint.find("SIGTERM") != std::string::npos, d.hint);
  OnlyError(engine + "command = [\"x\"]\nready_url = \"health\"\n" + rest, "engines.llama.launch.ready_url", 8);
  OnlyError(engine + "command = [\"x\"]\nready_timeout = \"0s\"\n" + rest, "engines.llama.launch.ready_timeout", 8);
  d = OnlyError(engine + "command = [\"x\"]\nready_timout = \"1s\"\n" + rest, "engines.llama.launch.ready_timout", 8);
  BOOST_TEST(d.hint == "did you mean 'ready_timeout'?");
  d = OnlyError(kMinimal + "[engines.sim.launch]\ncommand = [\"x\"]\n", "engines.sim.launch", 7);
  BOOST_TEST(d.message.find("starts by itself") != std::string::npos, d.message);
}

BOOST_AUTO_TEST_CASE(rate_caps_and_error_policy) {
  const Scenario s = LoadScenarioText(
      "schema = 1\n[engines.api]\nprotocol = \"openai-chat\"\nurl = \"https://api.example.com\"\nmodel = \"m\"\n"
      "requests_per_minute = 30\ntokens_per_minute = 60000\n[classes.a]\ninput_tokens = 10\noutput_tokens = 10\n"
      "[load]\non_error = \"exclude\"\nexclude_reason = \"free-tier quota\"\n",
      "q.toml", FakeEnv({}));
  BOOST_TEST(*s.engines[0].requests_per_minute == 30.0);
  BOOST_TEST(*s.engines[0].tokens_per_minute == 60000.0);
  BOOST_TEST(s.load.on_error == "exclude");
  BOOST_TEST(s.load.exclude_reason == "free-tier quota");
  const Scenario back = LoadScenarioText(ToToml(s), "q.toml", FakeEnv({}));
  BOOST_TEST(ToToml(back) == ToToml(s));
  BOOST_TEST(LoadScenarioText(kMinimal, "m.toml", FakeEnv({})).load.on_error == "count");

  auto d = OnlyError(kMinimal + "[load]\non_error = \"fail_fats\"\n", "load.on_error", 8);
  BOOST_TEST(d.hint == "did you mean 'fail_fast'?");
  d = OnlyError(kMinimal + "[load]\non_error = \"exclude\"\n", "load.exclude_reason", 7);
  BOOST_TEST(d.message == "missing required key");
  OnlyError(kMinimal + "[load]\nexclude_reason = \"x\"\n", "load.exclude_reason", 8);
  OnlyError("schema = 1\n[engines.sim]\nprotocol = \"sim\"\nrequests_per_minute = 0\n" + kMinimal.substr(42),
            "engines.sim.requests_per_minute", 4);
}

BOOST_AUTO_TEST_CASE(dataset_classes_take_no_synthetic_lengths) {
  const std::string head = "schema = 1\n[engines.sim]\nprotocol = \"sim\"\n[classes.d]\n";
  const Scenario s = LoadScenarioText(
      head +
          "dataset = \"data/p.jsonl\"\nfield = \"messages\"\nmin_input_tokens = 8\nmax_input_tokens = 512\n"
          "output_tokens = 64\n",
      "d.toml", FakeEnv({}));
  const PromptClass& c = s.classes[0];
  BOOST_TEST(c.dataset == "data/p.jsonl");
  BOOST_TEST(c.dataset_field == "messages");
  BOOST_TEST(c.min_input_tokens == 8);
  BOOST_TEST(c.max_input_tokens == 512);
  BOOST_TEST(c.input_tokens == 0);
  BOOST_TEST(ToToml(LoadScenarioText(ToToml(s), "d.toml", FakeEnv({}))) == ToToml(s));

  auto d =
      OnlyError(head + "dataset = \"p.jsonl\"\ninput_tokens = 100\noutput_tokens = 8\n", "classes.d.input_tokens", 6);
  BOOST_TEST(d.message.find("not with a dataset") != std::string::npos, d.message);
  OnlyError(head + "dataset = \"p.jsonl\"\nfield = \"txt\"\noutput_tokens = 8\n", "classes.d.field", 6);
  OnlyError(head + "dataset = \"p.jsonl\"\nmin_input_tokens = 50\nmax_input_tokens = 10\noutput_tokens = 8\n",
            "classes.d.min_input_tokens", 6);
  d = OnlyError(head + "output_tokens = 8\n", "classes.d.input_tokens", 4);
  BOOST_TEST(d.hint.find("dataset") != std::string::npos, d.hint);
}

BOOST_AUTO_TEST_CASE(classes_set_their_own_sampling) {
  const std::string head = "schema = 1\n[engines.sim]\nprotocol = \"sim\"\n";
  const Scenario s =
      LoadScenarioText(head +
                           "[classes.greedy]\ninput_tokens = 10\noutput_tokens = 10\ntemperature = 0\n"
                           "[classes.nucleus]\ninput_tokens = 10\noutput_tokens = 10\ntemperature = 0.8\n"
                           "top_p = 0.9\ntop_k = 50\nsampling_seed = 7\n",
                       "s.toml", FakeEnv({}));
  BOOST_TEST(*s.classes[0].temperature == 0.0);
  BOOST_TEST(!s.classes[0].top_p);
  BOOST_TEST(*s.classes[1].top_p == 0.9);
  BOOST_TEST(*s.classes[1].top_k == 50);
  BOOST_TEST(*s.classes[1].sampling_seed == 7);
  BOOST_TEST(ToToml(LoadScenarioText(ToToml(s), "s.toml", FakeEnv({}))) == ToToml(s));

  OnlyError(head + "[classes.c]\ninput_tokens = 10\noutput_tokens = 10\ntop_p = 0\n", "classes.c.top_p", 7);
  OnlyError(head + "[classes.c]\ninput_tokens = 10\noutput_tokens = 10\ntop_p = 1.5\n", "classes.c.top_p", 7);
  OnlyError(head + "[classes.c]\ninput_tokens = 10\noutput_tokens = 10\ntop_k = 0\n", "classes.c.top_k", 7);
  OnlyError(head + "[classes.c]\ninput_tokens = 10\noutput_tokens = 10\ntemperature = 3\n", "classes.c.temperature", 7);
}

BOOST_AUTO_TEST_CASE(open_loop_levels_load_round_trip_and_refuse_what_makes_no_sense) {
  const Scenario s = LoadScenarioText(kMinimal +
                                          "[load]\nrate = [2, 5.5, 10]\narrival = \"gamma\"\n"
                                          "burstiness = 0.5\nmax_concurrency = 64\nduration = \"30s\"\n"
                                          "ramp_up = \"5s\"\nmax_schedule_lag = \"2ms\"\n",
                                      "o.toml", FakeEnv({}));
  BOOST_TEST((s.load.rate == std::vector<double>{2, 5.5, 10}));
  BOOST_TEST(s.load.concurrency.empty());  // open loop only, unless concurrency is written too
  BOOST_TEST_REQUIRE(s.load.Levels().size() == 3u);
  BOOST_TEST(s.load.Levels()[1].rate == 5.5);
  BOOST_TEST(s.load.arrival == "gamma");
  BOOST_TEST(s.load.burstiness == 0.5);
  BOOST_TEST(s.load.max_concurrency == 64);
  BOOST_TEST(s.load.duration.count() == Nanoseconds(30s).count());
  BOOST_TEST(s.load.ramp_up.count() == Nanoseconds(5s).count());
  BOOST_TEST(s.load.max_schedule_lag.count() == Nanoseconds(2ms).count());
  const Scenario back = LoadScenarioText(ToToml(s), "o.toml", FakeEnv({}));
  BOOST_TEST(ToToml(back) == ToToml(s));
  BOOST_TEST(back.load.Levels() == s.load.Levels());

  // Both kinds: closed-loop levels first.
  const Scenario both = LoadScenarioText(kMinimal + "[load]\nconcurrency = [4]\nrate = [3]\n", "b.toml", FakeEnv({}));
  BOOST_TEST_REQUIRE(both.load.Levels().size() == 2u);
  BOOST_TEST(!both.load.Levels()[0].open());
  BOOST_TEST(both.load.Levels()[1].open());

  // A threshold for one rate.
  const Scenario t = LoadScenarioText("schema = 1\nthresholds = [{ rule = \"ttft.p95 < 1s\", rate = [5] }]\n" +
                                          kMinimal.substr(11) + "[load]\nrate = [5, 10]\n",
                                      "t.toml", FakeEnv({}));
  BOOST_TEST_REQUIRE(t.thresholds.size() == 1u);
  BOOST_TEST(t.thresholds[0].AppliesTo(Level::Open(5)));
  BOOST_TEST(!t.thresholds[0].AppliesTo(Level::Open(10)));
  BOOST_TEST(!t.thresholds[0].AppliesTo(Level::Closed(5)));

  OnlyError(kMinimal + "[load]\nrate = []\n", "load.rate", 8);
  OnlyError(kMinimal + "[load]\nrate = [0]\n", "load.rate", 8);
  OnlyError(kMinimal + "[load]\nrate = [\"fast\"]\n", "load.rate", 8);
  OnlyError(kMinimal + "[load]\nrate = [2, 2]\n", "load.rate", 8);
  auto d = OnlyError(kMinimal + "[load]\nrate = [2]\narrival = \"poison\"\n", "load.arrival", 9);
  BOOST_TEST(d.hint == "did you mean 'poisson'?");
  d = OnlyError(kMinimal + "[load]\narrival = \"constant\"\n", "load.arrival", 8);
  BOOST_TEST(d.message == "applies to open-loop levels only");
  OnlyError(kMinimal + "[load]\nduration = \"10s\"\n", "load.duration", 8);
  OnlyError(kMinimal + "[load]\nrate = [2]\nburstiness = 0.5\n", "load.burstiness", 9);
  OnlyError(kMinimal + "[load]\nrate = [2]\nduration = \"10s\"\nramp_up = \"10s\"\n", "load.ramp_up", 10);
  OnlyError(kMinimal + "[load]\nrate = [2]\nduration = \"20m\"\n", "load.duration", 9);
  OnlyError(kMinimal + "[load]\nmax_duration = \"1m\"\nstagger = \"1m\"\n", "load.stagger", 9);
  OnlyError(kMinimal + "[load]\nstagger = \"fast\"\n", "load.stagger", 8);
  OnlyError("schema = 1\nthresholds = [{ rule = \"ttft.p95 < 1s\", rate = [7] }]\n" + kMinimal.substr(11) +
                "[load]\nrate = [5]\n",
            "thresholds[].rate", 2);
}

BOOST_AUTO_TEST_CASE(trace_classes_replay_their_file_as_their_only_level) {
  const std::string engine = "schema = 1\n[engines.sim]\nprotocol = \"sim\"\n";
  const Scenario s =
      LoadScenarioText(engine +
                           "[classes.t]\ntrace = \"mooncake.jsonl\"\ntrace_time_scale = 4\n"
                           "trace_time_unit = \"s\"\ntrace_requests = 100\n[classes.a]\ninput_tokens = 10\n"
                           "output_tokens = 10\n[load]\nconcurrency = [2]\n",
                       "t.toml", FakeEnv({}));
  BOOST_TEST_REQUIRE(s.classes.size() == 2u);
  BOOST_TEST(s.classes[0].trace == "mooncake.jsonl");
  BOOST_TEST(s.classes[0].trace_time_scale == 4.0);
  BOOST_TEST(s.classes[0].trace_time_unit == "s");
  BOOST_TEST(s.classes[0].trace_requests == 100);
  const auto cases = Expand(s);
  BOOST_TEST_REQUIRE(cases.size() == 2u);
  BOOST_TEST((cases[0].load.Levels() == std::vector<Level>{Level::Trace(4)}));   // the trace's case: the trace
  BOOST_TEST((cases[1].load.Levels() == std::vector<Level>{Level::Closed(2)}));  // the other class: the levels
  const Scenario back = LoadScenarioText(ToToml(s), "t.toml", FakeEnv({}));      // the settings say what ran
  BOOST_TEST(ToToml(back) == ToToml(s));
  BOOST_TEST(std::any_of(back.classes.begin(), back.classes.end(),
                         [](const PromptClass& c) { return c.trace == "mooncake.jsonl" && c.trace_requests == 100; }));
  // A search alone round-trips as a search alone.
  const Scenario q = LoadScenarioText(kMinimal +
                                          "[slo]\nttft = \"1s\"\n[load]\n[load.slo_search]\nmax_rate = 40\n"
                                          "min_rate = 2\nrequests = 50\nprecision = \"3%\"\nattainment = \"90%\"\n",
                                      "q.toml", FakeEnv({}));
  BOOST_TEST(q.load.Levels().empty());
  const Scenario q2 = LoadScenarioText(ToToml(q), "q.toml", FakeEnv({}));
  BOOST_TEST_REQUIRE(q2.load.slo_search.has_value());
  BOOST_TEST(q2.load.slo_search->max_rate == 40.0);
  BOOST_TEST(q2.load.slo_search->requests == 50);
  BOOST_TEST(q2.load.Levels().empty());
  BOOST_TEST(ToToml(q2) == ToToml(q));
  OnlyError(kMinimal + "[load]\n[load.slo_search]\nmax_rate = 40\n", "load.slo_search", 8);  // no [slo]
  auto d = OnlyError(engine + "[classes.t]\ntrace = \"x.jsonl\"\ninput_tokens = 5\n", "classes.t.input_tokens", 6);
  BOOST_TEST(d.message == "not with a trace: each request has its entry's lengths");
  OnlyError(engine + "[classes.t]\ntrace = \"x.jsonl\"\ntrace_time_unit = \"us\"\n", "classes.t.trace_time_unit", 6);
  OnlyError(engine + "[classes.t]\ntrace = \"x.jsonl\"\ntrace_time_scale = 0\n", "classes.t.trace_time_scale", 6);
}

BOOST_AUTO_TEST_CASE(a_sweep_is_its_two_ends_then_the_points_between) {
  const Scenario s = LoadScenarioText(kMinimal +
                                          "[load]\nrequests = 20\narrival = \"constant\"\n"
                                          "[load.sweep]\npoints = 3\n",
                                      "w.toml", FakeEnv({}));
  BOOST_TEST_REQUIRE(s.load.sweep.has_value());
  BOOST_TEST(s.load.sweep->points == 3);
  BOOST_TEST(s.load.arrival == "constant");  // the points between are open loop: arrival applies
  // Run order: synchronous, throughput (every measured request at once), then the rates between.
  const std::vector<Level> want{Level::SweepPoint(0, 1), Level::SweepPoint(4, 20), Level::SweepPoint(1, 0),
                                Level::SweepPoint(2, 0), Level::SweepPoint(3, 0)};
  BOOST_TEST((s.load.Levels() == want));  // the sweep alone: no concurrency = [1] by default
  BOOST_TEST(s.load.Levels()[2].open());
  BOOST_TEST(!s.load.Levels()[1].open());
  // A point's identity is its index, whatever rate it ran at; it sorts after the other kinds.
  BOOST_TEST((Level::SweepPoint(2, 0).WithRate(7.5) == Level::SweepPoint(2, 0)));
  BOOST_TEST((Level::SweepPoint(2, 0).WithRate(7.5) != Level::SweepPoint(3, 0).WithRate(7.5)));
  BOOST_TEST((Level::Open(1000) < Level::SweepPoint(0, 1)));
  BOOST_TEST((Level::SweepPoint(9, 0) < Level::Search()));
  BOOST_TEST(Describe(Level::SweepPoint(2, 0).WithRate(7.5)) == "sweep point 2 (7.5 req/s)");
  BOOST_TEST(Describe(Level::SweepPoint(0, 1)) == "sweep point 0 (synchronous)");
  BOOST_TEST(Describe(Level::SweepPoint(4, 20)) == "sweep point 4 (throughput, concurrency 20)");
  BOOST_TEST(IdTag(Level::SweepPoint(2, 0).WithRate(7.5)) == "w2");
  // A closed-loop threshold is not a sweep end of the same concurrency.
  ThresholdSpec t;
  t.concurrency = {1};
  BOOST_TEST(!t.AppliesTo(Level::SweepPoint(0, 1)));
  BOOST_TEST(t.AppliesTo(Level::Closed(1)));

  const Scenario back = LoadScenarioText(ToToml(s), "w.toml", FakeEnv({}));
  BOOST_TEST(ToToml(back) == ToToml(s));
  BOOST_TEST((back.load.Levels() == want));
  const Scenario c =
      LoadScenarioText(kMinimal + "[load]\nconcurrency = [4]\n[load.sweep]\nconcurrency = 8\n", "w.toml", FakeEnv({}));
  BOOST_TEST(c.load.Levels().size() == 1u + 2u + 8u);  // levels asked for, and the sweep (8 points by default)
  BOOST_TEST((c.load.Levels()[2] == Level::SweepPoint(9, 8)));
  BOOST_TEST(LoadScenarioText(ToToml(c), "w.toml", FakeEnv({})).load.sweep->concurrency == 8);

  // A rule can name sweep points (the throughput point is saturated on purpose).
  const Scenario f = LoadScenarioText("schema = 1\nthresholds = [{ rule = \"ttft.p95 < 1s\", sweep = [0, 1] }]\n" +
                                          kMinimal.substr(11) + "[load]\n[load.sweep]\npoints = 2\n",
                                      "w.toml", FakeEnv({}));
  BOOST_TEST(f.thresholds[0].AppliesTo(Level::SweepPoint(1, 0).WithRate(3)));
  BOOST_TEST(!f.thresholds[0].AppliesTo(Level::SweepPoint(3, 20)));
  BOOST_TEST(!f.thresholds[0].AppliesTo(Level::Closed(1)));
  BOOST_TEST(ToToml(LoadScenarioText(ToToml(f), "w.toml", FakeEnv({}))) == ToToml(f));
  OnlyError("schema = 1\nthresholds = [{ rule = \"ttft.p95 < 1s\", sweep = [4] }]\n" + kMinimal.substr(11) +
                "[load]\n[load.sweep]\npoints = 2\n",
            "thresholds[].sweep", 2);
  OnlyError("schema = 1\nthresholds = [{ rule = \"ttft.p95 < 1s\", sweep = [0] }]\n" + kMinimal.substr(11),
            "thresholds[].sweep", 2);
  OnlyError(kMinimal + "[load]\n[load.sweep]\npoints = 0\n", "load.sweep.points", 9);
  OnlyError(kMinimal + "[load]\n[load.sweep]\nconcurrency = 1\n", "load.sweep.concurrency", 9);
  OnlyError(kMinimal + "[load]\n[load.sweep]\npoint = 3\n", "load.sweep.point", 9);
  // A trace class runs its trace only.
  const Scenario tr = LoadScenarioText(
      "schema = 1\n[engines.sim]\nprotocol = \"sim\"\n[classes.t]\ntrace = \"x.jsonl\"\n"
      "[load]\n[load.sweep]\n",
      "t.toml", FakeEnv({}));
  BOOST_TEST((Expand(tr)[0].load.Levels() == std::vector<Level>{Level::Trace(1)}));
}

BOOST_AUTO_TEST_CASE(a_multi_turn_class_declares_turns_and_think_time) {
  const Scenario s = LoadScenarioText(
      "schema = 1\nthresholds = [\"ttft_turn_2.p95 < 1s\"]\n[engines.sim]\nprotocol = \"sim\"\n"
      "[engines.sim.simulator]\nprefix_cache = true\n[classes.chat]\ninput_tokens = 100\noutput_tokens = 20\n"
      "turns = 4\nthink_time = \"2s\"\n",
      "m.toml", FakeEnv({}));
  BOOST_TEST(s.classes[0].turns == 4);
  BOOST_TEST((s.classes[0].think_time == 2s));
  BOOST_TEST(s.engines[0].sim->prefix_cache);
  const Scenario back = LoadScenarioText(ToToml(s), "m.toml", FakeEnv({}));
  BOOST_TEST(back.classes[0].turns == 4);
  BOOST_TEST((back.classes[0].think_time == 2s));
  BOOST_TEST(back.engines[0].sim->prefix_cache);
  BOOST_TEST(ToToml(back) == ToToml(s));
  OnlyError(kMinimal + "turns = 0\n", "classes.a.turns", 7);
  // A turn's TTFT only where a class has that many turns.
  auto d = OnlyError("schema = 1\nthresholds = [\"ttft_turn_5.p95 < 1s\"]\n" + kMinimal.substr(11) + "turns = 4\n",
                     "thresholds[]", 2);
  BOOST_TEST(d.message.find("no class has 5 turns (the most is 4)") != std::string::npos, d.message);
  OnlyError("schema = 1\nthresholds = [\"ttft_turn_99999999999999999999.p95 < 1s\"]\n" + kMinimal.substr(11),
            "thresholds[]", 2);
  OnlyError(kMinimal + "think_time = \"1s\"\n", "classes.a.think_time", 7);  // one turn: nothing to think between
  OnlyError("schema = 1\n[engines.sim]\nprotocol = \"sim\"\n[classes.t]\ntrace = \"x.jsonl\"\nturns = 2\n",
            "classes.t.turns", 6);
}

// Found by fuzz_scenario_toml (a null node's source read: undefined behaviour): a thresholds
// table without its rule is one clear error, not a crash and not an empty rule parsed.
BOOST_AUTO_TEST_CASE(a_threshold_table_without_a_rule_is_one_clear_error) {
  const auto errors = Errors(
      "schema = 1\nthresholds = [{ rul = \"itl.p50 < 50ms\" }]\n[engines.sim]\nprotocol = \"sim\"\n"
      "[classes.a]\ninput_tokens = 10\noutput_tokens = 10\n");
  BOOST_TEST_REQUIRE(errors.size() == 2u);
  BOOST_TEST(errors[0].key_path == "thresholds[].rule");
  BOOST_TEST(errors[0].message == "missing required key");
  BOOST_TEST(errors[1].key_path == "thresholds[].rul");
}
