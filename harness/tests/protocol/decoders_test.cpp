// Wire decoders on recorded streams from real engines, and on broken ones.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <vector>

#include "protocol/feed.hpp"
#include "protocol/json_scan.hpp"
#include "protocol/protocol.hpp"
#include "test_support.hpp"

using namespace llmbench::protocol;
using llmbench::testing::ReadTestData;

namespace llmbench::protocol {
std::ostream& operator<<(std::ostream& os, EventKind k) { return os << ToString(k); }
}  // namespace llmbench::protocol

namespace {

struct Decoded {
  StreamTally tally;
  std::vector<EventKind> kinds;
};

Decoded DecodeStream(std::string_view protocol, const std::string& stream) {
  auto p = MakeProtocol(protocol);
  BOOST_REQUIRE(p);
  Decoded out;
  SseParser parser;
  parser.Reset(p->framing());
  auto sink = [&](const SseEvent& e) { out.kinds.push_back(p->Decode(e, out.tally)); };
  parser.Feed(stream, sink);
  parser.Finish(sink);
  return out;
}

Decoded DecodeFile(std::string_view protocol, const char* file) {
  return DecodeStream(protocol, ReadTestData(std::string("streams/") + file));
}

}  // namespace

BOOST_AUTO_TEST_CASE(vllm_chat_counts_text_chunks_and_usage) {
  const auto d = DecodeFile(kOpenAiChat, "vllm_chat.sse");
  using K = EventKind;
  BOOST_TEST((d.kinds == std::vector<K>{K::Meta, K::Text, K::Text, K::Text, K::Meta, K::Done}));
  BOOST_TEST(d.tally.text_chunks == 3);
  BOOST_TEST(d.tally.text_bytes == 5 + 8 + 1);  // "Hello", ", wörld" (ö is 2 bytes), "!"
  BOOST_TEST(d.tally.prompt_tokens == 12);
  BOOST_TEST(d.tally.completion_tokens == 4);
  BOOST_TEST(d.tally.finish_reason == "length");
  BOOST_TEST(d.tally.done);
  BOOST_TEST(d.tally.error.empty());
  BOOST_TEST(d.tally.timings.total_ns == -1);
}

BOOST_AUTO_TEST_CASE(cerebras_time_info_is_read_in_seconds) {
  const auto d = DecodeFile(kOpenAiChat, "cerebras_chat.sse");
  BOOST_TEST(d.tally.text_chunks == 2);
  BOOST_TEST(d.tally.completion_tokens == 2);
  BOOST_TEST(d.tally.timings.queue_ns == 123'000);
  BOOST_TEST(d.tally.timings.prompt_ns == 2'100'000);
  BOOST_TEST(d.tally.timings.completion_ns == 250'000'000);
  BOOST_TEST(d.tally.timings.total_ns == 253'100'000);
  BOOST_TEST(d.tally.finish_reason == "stop");
}

BOOST_AUTO_TEST_CASE(llamacpp_timings_are_read_in_milliseconds) {
  const auto d = DecodeFile(kOpenAiChat, "llamacpp_chat.sse");
  BOOST_TEST(d.tally.timings.prompt_ns == 12'500'000);
  BOOST_TEST(d.tally.timings.completion_ns == 30'250'000);
  BOOST_TEST(d.tally.timings.total_ns == 42'750'000);
  BOOST_TEST(d.tally.prompt_tokens == 5);
}

BOOST_AUTO_TEST_CASE(groq_x_groq_usage_timings_and_token_counts) {
  const auto d = DecodeFile(kOpenAiChat, "groq_chat.sse");
  BOOST_TEST(d.tally.prompt_tokens == 9);  // Groq sends its counts only inside x_groq.usage
  BOOST_TEST(d.tally.completion_tokens == 1);
  BOOST_TEST(d.tally.timings.queue_ns == 20'000'000);
  BOOST_TEST(d.tally.timings.total_ns == 5'000'000);
  BOOST_TEST(d.tally.text_chunks == 1);
}

BOOST_AUTO_TEST_CASE(completions_read_choice_text) {
  const auto d = DecodeFile(kOpenAiCompletions, "openai_completions.sse");
  BOOST_TEST(d.tally.text_chunks == 2);
  BOOST_TEST(d.tally.text_bytes == 10);
  BOOST_TEST(d.tally.completion_tokens == 2);
  BOOST_TEST(d.tally.done);
}

BOOST_AUTO_TEST_CASE(tgi_tokens_special_tokens_and_details) {
  const auto d = DecodeFile(kTgi, "tgi_generate_stream.sse");
  using K = EventKind;
  BOOST_TEST((d.kinds == std::vector<K>{K::Text, K::Text, K::Done}));
  BOOST_TEST(d.tally.text_chunks == 2);
  BOOST_TEST(d.tally.token_events == 2);
  BOOST_TEST(d.tally.completion_tokens == 3);
  BOOST_TEST(d.tally.prompt_tokens == 7);
  BOOST_TEST(d.tally.finish_reason == "eos_token");
  BOOST_TEST(d.tally.done);
}

BOOST_AUTO_TEST_CASE(tgi_headers_carry_timings_in_ms) {
  auto p = MakeProtocol(kTgi);
  StreamTally t;
  p->OnHeader("X-Queue-Time", "12", t);
  p->OnHeader("x-inference-time", " 340", t);
  p->OnHeader("x-total-time", "355", t);
  p->OnHeader("x-generated-tokens", "20", t);
  p->OnHeader("x-unrelated", "1", t);
  BOOST_TEST(t.timings.queue_ns == 12'000'000);
  BOOST_TEST(t.timings.completion_ns == 340'000'000);
  BOOST_TEST(t.timings.total_ns == 355'000'000);
  BOOST_TEST(t.completion_tokens == 20);
}

// TGI's non-streaming /generate: the body is one JSON object, framed whole however it is split.
BOOST_AUTO_TEST_CASE(tgi_generate_answers_whole_at_any_split_with_header_timings) {
  const std::string body = R"({"generated_text":" Paris is the capital, wörld","details":{"finish_reason":"length",)"
                           R"("generated_tokens":6,"seed":null,"prefill":[],"tokens":[]}})";
  auto p = MakeProtocol(kTgiGenerate);
  BOOST_REQUIRE(p);
  BOOST_TEST(!p->streams());
  BOOST_TEST(p->default_path() == "/generate");
  BOOST_TEST(p->BuildRequest({.model = "m", .prompt = "hi", .max_tokens = 6}).body.find("\"stream\"") ==
             std::string::npos);
  for (std::size_t split = 0; split <= body.size(); ++split) {
    Decoded out;
    SseParser parser;
    parser.Reset(p->framing());
    auto sink = [&](const SseEvent& e) { out.kinds.push_back(p->Decode(e, out.tally)); };
    parser.Feed(std::string_view(body).substr(0, split), sink);
    parser.Feed(std::string_view(body).substr(split), sink);
    BOOST_TEST(!parser.Finish(sink));  // a complete body is not a truncated stream
    BOOST_TEST_REQUIRE(out.kinds.size() == 1u, split);
    BOOST_TEST((out.kinds[0] == EventKind::Text), split);
    BOOST_TEST(out.tally.text_chunks == 1);
    BOOST_TEST(out.tally.text_bytes == 29);  // " Paris is the capital, wörld": ö is 2 bytes
    BOOST_TEST(out.tally.completion_tokens == 6);
    BOOST_TEST(out.tally.finish_reason == "length");
    BOOST_TEST(out.tally.done);
  }
  StreamTally t;
  p->OnHeader("x-queue-time", "3", t);
  p->OnHeader("X-Inference-Time", "120", t);
  p->OnHeader("x-total-time", "124", t);
  p->OnHeader("x-prompt-tokens", "17", t);
  BOOST_TEST(t.timings.queue_ns == 3'000'000);
  BOOST_TEST(t.timings.completion_ns == 120'000'000);
  BOOST_TEST(t.timings.total_ns == 124'000'000);
  BOOST_TEST(t.prompt_tokens == 17);

  auto d =
      DecodeStream(kTgiGenerate, R"({"error":"Input validation error: inputs too long","error_type":"validation"})");
  BOOST_TEST((d.kinds == std::vector<EventKind>{EventKind::Error}));
  BOOST_TEST(d.tally.error.find("Input validation error") == 0u);
  d = DecodeStream(kTgiGenerate, R"({"generated_text": "cut)");
  BOOST_TEST(d.tally.malformed_events == 1);
  d = DecodeStream(kTgiGenerate,
                   R"({"generated_text":"","details":{"finish_reason":"eos_token","generated_tokens":0}})");
  BOOST_TEST(d.tally.text_chunks == 0);  // no output: the load generator's no_output
  BOOST_TEST(d.tally.done);
  d = DecodeStream(kTgiGenerate, "\xEF\xBB\xBF" + body);  // a byte-order mark is skipped
  BOOST_TEST(d.tally.text_chunks == 1);
  BOOST_TEST(d.tally.malformed_events == 0);
}

BOOST_AUTO_TEST_CASE(error_objects_inside_streams) {
  auto d = DecodeFile(kOpenAiChat, "openai_error_midstream.sse");
  BOOST_TEST(d.kinds.back() == EventKind::Error);
  BOOST_TEST(d.tally.error == "CUDA out of memory");
  BOOST_TEST(d.tally.text_chunks == 1);
  d = DecodeFile(kTgi, "tgi_error.sse");
  BOOST_TEST(d.kinds.back() == EventKind::Error);
  BOOST_TEST(d.tally.error.find("Input validation error") == 0u);
  d = DecodeStream(kOpenAiChat, "event: error\ndata: upstream overloaded\n\n");
  BOOST_TEST(d.kinds.back() == EventKind::Error);
  BOOST_TEST(d.tally.error == "upstream overloaded");
}

BOOST_AUTO_TEST_CASE(error_events_give_the_server_message) {
  const auto llama = DecodeFile(kOpenAiChat, "llamacpp_error_field.sse");
  BOOST_TEST(llama.tally.error == "the request exceeds the available context size, try increasing it");
  BOOST_TEST(llama.tally.done);  // its [DONE] still came: the error must decide, not the marker
  BOOST_TEST(DecodeFile(kOpenAiChat, "openai_event_error.sse").tally.error == "upstream overloaded");
  BOOST_TEST(DecodeStream(kOpenAiChat, "event: error\ndata: plain words\n\n").tally.error == "plain words");
  BOOST_TEST(DecodeStream(kOpenAiChat, "event: error\ndata: \"quoted\"\n\n").tally.error == "quoted");
  BOOST_TEST(DecodeStream(kOpenAiChat, "error:\n\n").tally.error == "error event in stream");
  BOOST_TEST(DecodeStream(kTgi, "event: error\ndata: {\"error\":\"x\"}\n\n").tally.error == "x");
}

BOOST_AUTO_TEST_CASE(non_json_and_truncated_json_are_malformed_not_fatal) {
  for (std::string_view protocol : {kOpenAiChat, kOpenAiCompletions, kTgi}) {
    const auto d = DecodeStream(protocol,
                                "data: not json\n\n"
                                "data: {\"choices\":[{\"delta\":{\"content\":\"x\"\n\n"
                                "data: [1,2]\n\n"
                                "data: {\"a\":1}}\n\n"
                                "data: \n\n");  // empty data: not an event at all
    BOOST_TEST(d.tally.malformed_events == 4, protocol);
    BOOST_TEST(d.tally.text_chunks == 0, protocol);
    for (auto k : d.kinds) BOOST_TEST((k == EventKind::Malformed), protocol);
  }
}

BOOST_AUTO_TEST_CASE(request_bodies_force_length_and_merge_extra_body) {
  GenerationRequest r{.model = "m",
                      .prompt = "hi \"there\"",
                      .max_tokens = 128,
                      .force_length = true,
                      .temperature = 0.0,
                      .extra_body_json = R"({"top_p":0.9,"stream_options":null})"};
  auto chat = MakeProtocol(kOpenAiChat)->BuildRequest(r);
  BOOST_TEST(chat.path == "/v1/chat/completions");
  const auto body = nlohmann::json::parse(chat.body);
  BOOST_TEST(body["messages"][0]["content"] == "hi \"there\"");
  BOOST_TEST(body["max_tokens"] == 128);
  BOOST_TEST(body["min_tokens"] == 128);
  BOOST_TEST(body["ignore_eos"] == true);
  BOOST_TEST(body["stream"] == true);
  BOOST_TEST(body["top_p"] == 0.9);
  BOOST_TEST(!body.contains("stream_options"));  // merge patch removes with null
  const auto tgi = nlohmann::json::parse(MakeProtocol(kTgi)->BuildRequest(r).body);
  BOOST_TEST(tgi["inputs"] == "hi \"there\"");
  BOOST_TEST(tgi["parameters"]["max_new_tokens"] == 128);
  r.force_length = false;
  r.extra_body_json.clear();
  const auto plain = nlohmann::json::parse(MakeProtocol(kOpenAiCompletions)->BuildRequest(r).body);
  BOOST_TEST(!plain.contains("ignore_eos"));
  BOOST_TEST(plain["stream_options"]["include_usage"] == true);
  BOOST_TEST(plain["prompt"] == "hi \"there\"");
}

BOOST_AUTO_TEST_CASE(native_protocols_build_their_own_requests_and_framing) {
  const GenerationRequest r{
      .model = "llama3.2", .prompt = "Tell me", .max_tokens = 64, .force_length = true, .temperature = 0.0};
  const auto generate = MakeProtocol(kOllamaGenerate)->BuildRequest(r);
  BOOST_TEST(generate.path == "/api/generate");
  auto body = nlohmann::json::parse(generate.body);
  BOOST_TEST(body["prompt"] == "Tell me");
  BOOST_TEST(body["raw"] == true);
  BOOST_TEST(body["options"]["num_predict"] == 64);
  BOOST_TEST(body["options"]["temperature"] == 0.0);
  BOOST_TEST((MakeProtocol(kOllamaGenerate)->framing() == Framing::JsonLines));
  const auto chat = MakeProtocol(kOllamaChat)->BuildRequest(r);
  BOOST_TEST(chat.path == "/api/chat");
  BOOST_TEST(nlohmann::json::parse(chat.body)["messages"][0]["content"] == "Tell me");
  const auto completion = MakeProtocol(kLlamaCppCompletion)->BuildRequest(r);
  BOOST_TEST(completion.path == "/completion");
  body = nlohmann::json::parse(completion.body);
  BOOST_TEST(body["n_predict"] == 64);
  BOOST_TEST(body["ignore_eos"] == true);
  BOOST_TEST(body["stream"] == true);
  BOOST_TEST((MakeProtocol(kLlamaCppCompletion)->framing() == Framing::Sse));
}

// Sampling as a dimension: every protocol sends what a class sets, where its API expects it, and
// nothing it did not set (the engine's default then applies).
BOOST_AUTO_TEST_CASE(sampling_parameters_reach_every_protocol_in_its_own_place) {
  GenerationRequest r{
      .model = "m", .prompt = "p", .max_tokens = 8, .temperature = 0.7, .top_p = 0.9, .top_k = 40, .seed = 1234};
  for (const auto name : {kOpenAiChat, kOpenAiCompletions, kLlamaCppCompletion}) {
    const auto body = nlohmann::json::parse(MakeProtocol(name)->BuildRequest(r).body);
    BOOST_TEST(body["temperature"] == 0.7, name);
    BOOST_TEST(body["top_p"] == 0.9, name);
    BOOST_TEST(body["top_k"] == 40, name);
    BOOST_TEST(body["seed"] == 1234, name);
  }
  for (const auto name : {kOllamaGenerate, kOllamaChat}) {
    const auto options = nlohmann::json::parse(MakeProtocol(name)->BuildRequest(r).body)["options"];
    BOOST_TEST(options["top_p"] == 0.9);
    BOOST_TEST(options["top_k"] == 40);
    BOOST_TEST(options["seed"] == 1234);
  }
  const auto anthropic = nlohmann::json::parse(MakeProtocol(kAnthropicMessages)->BuildRequest(r).body);
  BOOST_TEST(anthropic["top_k"] == 40);
  BOOST_TEST(!anthropic.contains("seed"));  // the Messages API has none
  for (const auto name : {kTgi, kTgiGenerate}) {
    const auto parameters = nlohmann::json::parse(MakeProtocol(name)->BuildRequest(r).body)["parameters"];
    BOOST_TEST(parameters["do_sample"] == true);
    BOOST_TEST(parameters["top_p"] == 0.9);
    BOOST_TEST(parameters["top_k"] == 40);
    BOOST_TEST(parameters["seed"] == 1234);
  }
  // Greedy on TGI: no sampling at all (it refuses temperature 0), the seed still sent.
  const GenerationRequest greedy{.model = "m", .prompt = "p", .max_tokens = 8, .temperature = 0.0, .seed = 5};
  const auto parameters = nlohmann::json::parse(MakeProtocol(kTgi)->BuildRequest(greedy).body)["parameters"];
  BOOST_TEST(!parameters.contains("do_sample"));
  BOOST_TEST(!parameters.contains("temperature"));
  BOOST_TEST(parameters["seed"] == 5);
  const auto unset = nlohmann::json::parse(
      MakeProtocol(kOpenAiChat)->BuildRequest({.model = "m", .prompt = "p", .max_tokens = 8}).body);
  BOOST_TEST(!unset.contains("top_p"));
  BOOST_TEST(!unset.contains("top_k"));
  BOOST_TEST(!unset.contains("seed"));
}

BOOST_AUTO_TEST_CASE(json_lines_framing_gives_one_event_per_line) {
  SseParser parser;
  parser.Reset(Framing::JsonLines);
  std::vector<std::string> data;
  auto sink = [&](const SseEvent& e) { data.emplace_back(e.data); };
  const std::string stream = "\xEF\xBB\xBF{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}";
  for (char c : stream) parser.Feed(std::string_view(&c, 1), sink);
  parser.Finish(sink);  // the last line without its newline is still a line
  BOOST_TEST((data == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"}));
  parser.Reset();  // back to SSE
  data.clear();
  parser.Feed("{\"a\":1}\n\ndata: x\n\n", sink);
  BOOST_TEST((data == std::vector<std::string>{"x"}));
}

BOOST_AUTO_TEST_CASE(unknown_protocol_is_null) { BOOST_TEST(!MakeProtocol("grpc")); }

// A conversation's later turn: the history as messages where the API takes messages, else as
// one text; a first turn (no history) is the prompt alone, exactly as before.
BOOST_AUTO_TEST_CASE(a_later_turn_sends_its_history_in_every_protocol) {
  GenerationRequest r{.model = "m", .prompt = "and then?", .max_tokens = 8};
  r.history = {{"first \"question\"", " the answer"}, {"second", " another"}};
  for (const std::string_view name : {kOpenAiChat, kOllamaChat, kAnthropicMessages}) {
    const auto body = nlohmann::json::parse(MakeProtocol(name)->BuildRequest(r).body);
    const auto& m = body["messages"];
    BOOST_TEST_REQUIRE(m.size() == 5u, name);
    BOOST_TEST(m[0]["role"] == "user", name);
    BOOST_TEST(m[0]["content"] == "first \"question\"", name);
    BOOST_TEST(m[1]["role"] == "assistant", name);
    BOOST_TEST(m[1]["content"] == " the answer", name);
    BOOST_TEST(m[3]["content"] == " another", name);
    BOOST_TEST(m[4]["role"] == "user", name);
    BOOST_TEST(m[4]["content"] == "and then?", name);
  }
  const std::string flat =
      "User: first \"question\"\nAssistant:  the answer\nUser: second\nAssistant:  another\nUser: and "
      "then?\nAssistant:";
  BOOST_TEST(nlohmann::json::parse(MakeProtocol(kOpenAiCompletions)->BuildRequest(r).body)["prompt"] == flat);
  BOOST_TEST(nlohmann::json::parse(MakeProtocol(kTgi)->BuildRequest(r).body)["inputs"] == flat);
  BOOST_TEST(nlohmann::json::parse(MakeProtocol(kLlamaCppCompletion)->BuildRequest(r).body)["prompt"] == flat);
  BOOST_TEST(nlohmann::json::parse(MakeProtocol(kOllamaGenerate)->BuildRequest(r).body)["prompt"] == flat);
  r.history.clear();
  BOOST_TEST(nlohmann::json::parse(MakeProtocol(kTgi)->BuildRequest(r).body)["inputs"] == "and then?");
  BOOST_TEST(nlohmann::json::parse(MakeProtocol(kOpenAiChat)->BuildRequest(r).body)["messages"].size() == 1u);
}

// Found by fuzz_stream_decoders: TGI's `generated_text` holding a malformed value threw (a
// simdjson result read as a bool). A decoder never throws; the event is malformed.
BOOST_AUTO_TEST_CASE(tgi_malformed_generated_text_is_malformed_not_an_exception) {
  Decoded d;
  BOOST_REQUIRE_NO_THROW(d = DecodeStream(kTgi,
                                          "data:{\"generated_text\":\n\n"
                                          "data:{\"generated_text\":\"\\uZZ\",\"details\":}\n\n"
                                          "data:{\"generated_text\"\n\n"));
  BOOST_TEST(d.kinds.size() == 3u);
  BOOST_TEST(d.tally.malformed_events == 3);
  BOOST_TEST(!d.tally.done);
}

// Found by fuzz_stream_decoders: a count or time beyond int64 was converted anyway (undefined
// behaviour). Nonsense from a server is "not reported".
BOOST_AUTO_TEST_CASE(counts_and_times_beyond_int64_are_not_reported) {
  const auto d = DecodeStream(kOpenAiChat,
                              "data:{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
                              "data:{\"choices\":[],\"usage\":{\"prompt_tokens\":3.3e67,\"completion_tokens\":-2}}\n\n"
                              "data: [DONE]\n\n");
  BOOST_TEST(d.tally.prompt_tokens == -1);
  BOOST_TEST(d.tally.completion_tokens == -1);
  BOOST_TEST(SecondsToNs(3.3e67) == -1);
  BOOST_TEST(SecondsToNs(1.5) == 1'500'000'000);
  BOOST_TEST(WholeOr(std::nan("")) == -1);
}

namespace {

// Decodes `stream` twice: as the client does (the decoder keeps the stream's chunk shape), and
// with the shape forgotten before every event (always the full parse); both must agree.
void CheckShapeAgreesWithFullParse(std::string_view protocol, const std::string& stream) {
  auto fast = MakeProtocol(protocol);
  auto full = MakeProtocol(protocol);
  StreamTally fast_tally, full_tally;
  std::string fast_text, full_text;
  fast_tally.text = &fast_text;
  full_tally.text = &full_text;
  SseParser parser;
  parser.Reset(Framing::Sse);
  int event = 0;
  auto sink = [&](const SseEvent& e) {
    ++event;
    const EventKind a = fast->Decode(e, fast_tally);
    full_tally.shape.Forget();
    const EventKind b = full->Decode(e, full_tally);
    BOOST_TEST(a == b, "event " << event << ": " << e.data);
    BOOST_TEST(SameCounts(fast_tally, full_tally), "event " << event << ": " << e.data);
    BOOST_TEST(fast_text == full_text, "event " << event << ": " << e.data);
  };
  parser.Feed(stream, sink);
  parser.Finish(sink);
}

// The event data of a ChatChunk: without "data: " and the blank line.
std::string DataOf(const std::string& chunk) { return chunk.substr(6, chunk.size() - 8); }

std::string ChatChunk(std::string_view id, std::string_view content_json, std::string_view tail = "") {
  return "data: {\"id\":\"" + std::string(id) +
         "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
         "\"delta\":{\"content\":" +
         std::string(content_json) + "},\"logprobs\":null,\"finish_reason\":null}]" + std::string(tail) + "}\n\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_chunk_shaped_like_the_last_is_counted_as_the_full_parse_counts_it) {
  // After a plain chunk, each of these has the same bytes around its text; all but the plain ones
  // must leave the shortcut (the full parse decides), and every result must be the full parse's.
  std::string stream = ChatChunk("c1", "\"Hello\"");
  for (const char* text : {"\" world\"", "\"a\\\"b\"", "\"\\n\"", "\"\\u00e9\"", "\"w\xc3\xb6rld\"", "\"\xff\xfe\"",
                           "\"\x01\"", "\"\"", "\"}\"", "\"\"\"", "\"x\\\"", "null", "7", "\"ok\""}) {
    stream += ChatChunk("c1", text);
  }
  stream += ChatChunk("c1", "\"Hi\"", ",\"usage\":null");  // OpenAI's every chunk: still the shortcut's
  stream += ChatChunk("c1", "\"Hi\"", ",\"usage\":{\"completion_tokens\":3}");
  stream += ChatChunk("c2", "\"other id\"");
  std::string spaced = ChatChunk("c2", "\"space before\"");
  stream += spaced.insert(6, " ");
  stream += ChatChunk("c2", "\"a longer text than the next one's\"");
  std::string braces = ChatChunk("c2", "\"Hi\"");  // a brace too many
  stream += braces.insert(braces.size() - 2, "}");
  std::string junk = ChatChunk("c2", "\"junk after\"");
  stream += junk.insert(junk.size() - 2, " x");
  stream += "data: [DONE]\n\n";
  CheckShapeAgreesWithFullParse(kOpenAiChat, stream);
  for (const char* file : {"vllm_chat.sse", "vllm_continuous_usage.sse", "llamacpp_chat.sse", "groq_chat.sse",
                           "cerebras_chat.sse", "openai_cached_tokens.sse", "openai_error_midstream.sse"}) {
    CheckShapeAgreesWithFullParse(kOpenAiChat, ReadTestData(std::string("streams/") + file));
  }
  CheckShapeAgreesWithFullParse(kOpenAiCompletions, ReadTestData("streams/openai_completions.sse"));
  CheckShapeAgreesWithFullParse(kOpenAiCompletions, ReadTestData("streams/llamacpp_completion.sse"));
}

namespace {

struct FedAndDecoded {
  StreamTally tally;
  std::string text;
  std::int64_t text_events = 0;
};

// `stream` as the client takes it (FeedAndDecode, whole events straight from the bytes when it
// can), in pieces of the given sizes (the last size repeats); or, when `full`, fully parsed (the
// shape forgotten before every event), which never takes a shortcut.
FedAndDecoded FeedStream(const std::string& stream, const std::vector<std::size_t>& pieces, bool full) {
  auto p = MakeProtocol(kOpenAiChat);
  FedAndDecoded out;
  out.tally.text = &out.text;
  SseParser parser;
  parser.Reset(Framing::Sse);
  const auto sink = [&](const SseEvent& e) {
    if (full) out.tally.shape.Forget();
    out.text_events += p->Decode(e, out.tally) == EventKind::Text;
  };
  for (std::size_t at = 0, i = 0; at < stream.size(); ++i) {
    const std::size_t piece = std::max<std::size_t>(1, pieces[std::min(i, pieces.size() - 1)]);
    const std::string_view bytes = std::string_view(stream).substr(at, piece);
    at += piece;
    if (full) {
      parser.Feed(bytes, sink);
    } else {
      FeedAndDecode(parser, *p, bytes, out.tally, [&] { ++out.text_events; });
    }
  }
  parser.Finish(sink);
  return out;
}

}  // namespace

// After a plain text chunk, the decoder takes the next events of its shape straight from the
// read's bytes (ChunkShape::MatchEvent), without framing them: every stream below, around that
// shortcut's edges, must count as byte-by-byte framing and the full parse count it.
BOOST_AUTO_TEST_CASE(whole_events_taken_from_the_bytes_count_as_framing_and_the_full_parse_do) {
  const std::string first = ChatChunk("c1", "\"Hello\"");
  const std::string next = ChatChunk("c1", "\" w\"");
  const std::string next_data = "data: " + DataOf(next);
  const std::string cases[] = {
      first + next + next,
      first + next_data + "\r\n\r\n" + next,             // CRLF ends: the framer's
      first + next_data + "\ndata: x\n\n" + next,        // no blank line: two data lines
      first + next_data + "\n: ping\n\n" + next,         // a comment before the blank line
      first + next_data + "\nid: 9\n\n" + next,          // a field before the blank line
      first + next_data + "\n",                          // cut before the blank line
      first + next_data,                                 // cut at the line's end
      first + next.substr(0, next.size() - 20),          // cut inside
      first + "data:" + DataOf(next) + "\n\n" + next,    // no space after "data:"
      first + "data:  " + DataOf(next) + "\n\n" + next,  // two: the second is the data's
      first + "event: error\n" + next + next,            // a type: not the usual event
      first + "id: 5\n" + next + next,
      first + ": ping\n\n" + next + "\n\n\n" + next,
      first + ChatChunk("c1", "\"a text of more than sixteen bytes, plain\"") + next,
      first + ChatChunk("c1", "\"sixteen bytes ok\\\"then a quote\"") + next,  // an escape after 16
      first + ChatChunk("c1", "\"seventeen bytes w\xc3\xb6rld\"") + next,      // UTF-8 after 16
      first + ChatChunk("c1", "\"seventeen bytes w\xc3\x28rld\"") + next,      // broken UTF-8 after 16
      first + ChatChunk("c1", "\"\xe2\x82\"") + next,                          // cut UTF-8
      first + ChatChunk("c1", "\"seventeen bytes \x01\"") + next,              // a control byte
      first + ChatChunk("c1", "\"\"") + next,                                  // no text
      first + ChatChunk("c1", "\"\"\"") + next,                                // a quote too many
      first + ChatChunk("c1", "\" w\"", ",\"usage\":{\"completion_tokens\":2}") + next,
      "\xEF\xBB\xBF" + first + next,
      // A shape learnt from data on two lines holds a '\n': never matched against one line.
      "data: " + DataOf(first).substr(0, 30) + "\ndata: " + DataOf(first).substr(30) + "\n\n" + next + next,
      first + next + "data: [DONE]\n\n",
  };
  // That shape, and an event whose bytes are the learnt data, '\n' and all: two lines, not one.
  const std::size_t comma = DataOf(first).find(',') + 1;  // a line break between JSON tokens
  std::string two_lines = DataOf(next);
  two_lines.insert(comma, "\n");
  const std::string split_first =
      "data: " + DataOf(first).substr(0, comma) + "\ndata: " + DataOf(first).substr(comma) + "\n\n";
  const std::string more_cases[] = {split_first + "data: " + two_lines + "\n\n" + next};
  std::vector<std::string> streams(std::begin(cases), std::end(cases));
  streams.insert(streams.end(), std::begin(more_cases), std::end(more_cases));
  for (const std::string& stream : streams) {
    const FedAndDecoded full = FeedStream(stream, {1}, true);
    // Whole, byte by byte, every 7 bytes, and cut before every "data:" line and after every
    // blank line: each event, and each field line before one, is a read of its own, as a server
    // that writes an event at a time makes it (so the shortcut meets every state it may start in).
    std::vector<std::size_t> events;
    for (std::size_t at = 1, from = 0; at <= stream.size(); ++at) {
      const bool line_start = stream[at - 1] == '\n';
      if (at == stream.size() ||
          (line_start && (stream.compare(at, 5, "data:") == 0 || (at >= 2 && stream[at - 2] == '\n')))) {
        events.push_back(at - from);
        from = at;
      }
    }
    for (const std::vector<std::size_t>& pieces :
         {std::vector<std::size_t>{stream.size()}, std::vector<std::size_t>{1}, std::vector<std::size_t>{7}, events}) {
      const FedAndDecoded client = FeedStream(stream, pieces, false);
      BOOST_TEST(client.text_events == full.text_events, pieces.size() << " piece size(s): " << stream);
      BOOST_TEST(SameCounts(client.tally, full.tally), pieces.size() << " piece size(s): " << stream);
      BOOST_TEST(client.text == full.text, pieces.size() << " piece size(s): " << stream);
    }
  }
  // The shortcut is taken: one read of three events, the last two of the first's shape.
  auto p = MakeProtocol(kOpenAiChat);
  StreamTally tally;
  SseParser parser;
  parser.Reset(Framing::Sse);
  std::int64_t texts = 0;
  FeedAndDecode(parser, *p, first, tally, [&] { ++texts; });
  BOOST_TEST(parser.AtWholeEventStart());
  const auto whole = p->DecodeWholeEvents(next + next + "data: [DONE]\n\n", tally);
  BOOST_TEST(whole.texts == 2);
  BOOST_TEST(whole.bytes == 2 * next.size());
}

BOOST_AUTO_TEST_CASE(the_usual_chunk_takes_the_shortcut) {
  auto p = MakeProtocol(kOpenAiChat);
  StreamTally tally;
  SseParser parser;
  parser.Reset(Framing::Sse);
  auto sink = [&](const SseEvent& e) { BOOST_TEST(p->Decode(e, tally) == EventKind::Text); };
  parser.Feed(ChatChunk("c1", "\"Hello\"") + ChatChunk("c1", "\" there\""), sink);
  // The shape learnt from the first chunk matches the next ones: no parse.
  BOOST_TEST(tally.shape.Match(DataOf(ChatChunk("c1", "\" w\xc3\xb6rld\""))) == " w\xc3\xb6rld");
  BOOST_TEST(tally.shape.Match(DataOf(ChatChunk("c1", "\"a\\nb\""))).empty());  // an escape: the full parse
  BOOST_TEST(tally.shape.Match(DataOf(ChatChunk("c2", "\"Hello\""))).empty());  // another stream's id
  BOOST_TEST(tally.text_chunks == 2);
  BOOST_TEST(tally.text_bytes == 11);
}

// simdjson reads past a document's end into its padding; bytes an earlier, longer event left
// there made a malformed event's verdict depend on that event (found by fuzz_chunk_shape: the
// same bytes decoded as malformed after one chunk and as meta, or with its text read, after
// another). The padding is now blank before every parse.
BOOST_AUTO_TEST_CASE(a_malformed_events_verdict_does_not_depend_on_the_event_before) {
  // The two inputs fuzz_chunk_shape found (harness/fuzz/corpus/fuzz_chunk_shape/regression-*),
  // each after the event that preceded it there and after no event.
  const std::string head = R"({"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"m","choices":)";
  const std::string nul_gap = "{\"id\":" + std::string(91, '\0') + R"("chatcmpl-7","object":"":7}})";
  const std::string there = head + R"([{"index":0,"delta":{"content":" there"},"finish_reason":null}]})";
  const std::string head1 = R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":)";
  const std::string extra_brace =
      head1 + R"([{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}})";
  const std::string world =
      head1 +
      "[{\"index\":0,\"delta\":{\"content\":\"w\xc3\x83\xc2\xb6rld\"},\"logprobs\":null,\"finish_reason\":null}]}";
  for (const auto& [before, bad] : {std::pair{there, nul_gap}, std::pair{world, extra_brace}}) {
    std::vector<std::pair<EventKind, std::string>> seen;
    for (const bool first : {false, true}) {
      auto p = MakeProtocol(kOpenAiChat);
      StreamTally tally;
      std::string kept;
      tally.text = &kept;
      SseEvent e;
      if (first) {
        e.data = before;
        p->Decode(e, tally);
        tally.shape.Forget();
      }
      kept.clear();
      e.data = bad;
      seen.emplace_back(p->Decode(e, tally), kept);
    }
    BOOST_TEST(seen[0].first == seen[1].first);
    BOOST_TEST(seen[0].second == seen[1].second);
  }
}
