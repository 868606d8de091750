// Hugging Face TGI's native endpoints: POST /generate_stream (`tgi`) and the non-streaming
// POST /generate (`tgi-generate`), whose answer is one JSON object
// {"generated_text":"...","details":{"finish_reason","generated_tokens",...}} and whose x-*
// headers carry the server's timings (TGI sends them on /generate only).
// The streaming endpoint, POST /generate_stream: Each event carries one
// token: {"index":1,"token":{"id":..,"text":" the","logprob":..,"special":false},
// "generated_text":null,"details":null}; the last one has generated_text and details
// {"finish_reason","generated_tokens",...}. Errors: {"error":"...","error_type":"..."}.
// Timings come as x-* response headers in milliseconds (x-queue-time, x-inference-time, ...).
#include <nlohmann/json.hpp>

#include <charconv>

#include "protocol/json_scan.hpp"
#include "protocol/openai.hpp"
#include "protocol/shared_fields.hpp"

namespace llmbench::protocol {
namespace {

using simdjson::SUCCESS;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

std::int64_t ParseInt(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  std::int64_t v = -1;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The request body of both endpoints.
std::string TgiBody(const GenerationRequest& r) {
  nlohmann::json parameters{{"max_new_tokens", r.max_tokens}, {"details", true}};
  // TGI samples only with do_sample, and refuses temperature 0: greedy is no sampling at all.
  const bool sampling = (r.temperature && *r.temperature > 0) || r.top_p || r.top_k;
  if (sampling) {
    PutSampling(r, parameters);
    if (r.temperature && *r.temperature <= 0) parameters.erase("temperature");  // no copy of the prompt
    parameters["do_sample"] = true;
  } else if (r.seed) {
    parameters["seed"] = *r.seed;
  }
  nlohmann::json body{{"inputs", FlatPrompt(r)}, {"parameters", parameters}};
  if (r.force_length) body["parameters"]["ignore_eos"] = true;  // the simulator honours it
  MergeExtraBody(r.extra_body_json, body);
  return body.dump();
}

// TGI's x-* timing headers, in whole milliseconds (queue, inference, total) and token counts.
void ReadTgiHeader(std::string_view name, std::string_view value, StreamTally& tally) {
  const auto ms = [&] { return ParseInt(value) * 1'000'000; };
  if (EqualsIgnoreCase(name, "x-queue-time"))
    tally.timings.queue_ns = ms();
  else if (EqualsIgnoreCase(name, "x-inference-time"))
    tally.timings.completion_ns = ms();
  else if (EqualsIgnoreCase(name, "x-total-time"))
    tally.timings.total_ns = ms();
  else if (EqualsIgnoreCase(name, "x-prompt-tokens"))
    tally.prompt_tokens = ParseInt(value);
  else if (EqualsIgnoreCase(name, "x-generated-tokens"))
    tally.completion_tokens = ParseInt(value);
}

// details: {"finish_reason","generated_tokens","input_length"?,...}; null until the last event.
void ReadDetails(value v, StreamTally& tally) {
  object details;
  if (v.get_object().get(details) != SUCCESS) return;
  tally.done = true;
  for (auto field : details) {
    JsonKey key;
    if (field.key().get(key) != SUCCESS) break;
    std::string_view text;
    if (key == "generated_tokens") {
      tally.completion_tokens = CountOr(field.value());
    } else if (key == "input_length") {
      tally.prompt_tokens = CountOr(field.value());
    } else if (key == "finish_reason" && field.value().get_string().get(text) == SUCCESS) {
      tally.finish_reason.assign(text);
    }
  }
}

class Tgi final : public Protocol {
 public:
  std::string_view name() const override { return kTgi; }
  std::string_view default_path() const override { return "/generate_stream"; }

  HttpRequest BuildRequest(const GenerationRequest& r) const override {
    return {std::string(default_path()), TgiBody(r), {"Content-Type: application/json", "Accept: text/event-stream"}};
  }

  EventKind Decode(const SseEvent& event, StreamTally& tally) override {
    if (event.event == "error") return ReadErrorEvent(scratch_, event.data, tally);
    simdjson::ondemand::document doc;
    object root;
    if (scratch_.Iterate(event.data).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS) {
      return CountMalformed(tally);
    }
    EventKind kind = EventKind::Meta;
    bool final_event = false;  // the stream's end, once the whole event proves well-formed
    for (auto field : root) {
      JsonKey key;
      value v;
      if (field.key().get(key) != SUCCESS || field.value().get(v) != SUCCESS) {
        return CountMalformed(tally);
      }
      if (key == "token") {
        kind = ReadToken(v, tally);
      } else if (key == "details") {
        ReadDetails(v, tally);
      } else if (key == "generated_text") {
        // is_null() is a simdjson_result: read through get(), never as a bool (that throws on a
        // malformed value; found by fuzz_stream_decoders).
        bool null = false;
        if (v.is_null().get(null) != SUCCESS) return CountMalformed(tally);
        final_event = !null;
      } else if (key == "error") {
        std::string_view message;
        if (v.get_string().get(message) != SUCCESS) message = "error object in stream";
        if (tally.error.empty()) tally.error.assign(message);
        kind = EventKind::Error;
      }
    }
    if (!AtEnd(doc)) return CountMalformed(tally);
    if (final_event) tally.done = true;
    if (kind == EventKind::Meta && tally.done) return EventKind::Done;
    return kind;
  }

  void OnHeader(std::string_view name, std::string_view value, StreamTally& tally) const override {
    ReadTgiHeader(name, value, tally);
  }

 private:
  // The token's text counts as generated text unless the token is special (EOS and the like).
  static EventKind ReadToken(value v, StreamTally& tally) {
    object token;
    if (v.get_object().get(token) != SUCCESS) return EventKind::Meta;
    std::string_view text;
    bool special = false;
    for (auto field : token) {
      JsonKey key;
      if (field.key().get(key) != SUCCESS) break;
      if (key == "text" && field.value().get_string().get(text) != SUCCESS)
        text = {};
      else if (key == "special" && field.value().get_bool().get(special) != SUCCESS)
        special = false;
    }
    if (special) return EventKind::Meta;
    ++tally.token_events;
    ++tally.text_chunks;
    tally.text_bytes += static_cast<std::int64_t>(TakeText(text, tally));
    return EventKind::Text;
  }

  JsonScratch scratch_;
};

// POST /generate: the whole answer at once, {"generated_text": "...", "details": {...}}, or
// {"error": "...", "error_type": "..."} with a 4xx/5xx status.
class TgiGenerate final : public Protocol {
 public:
  std::string_view name() const override { return kTgiGenerate; }
  std::string_view default_path() const override { return "/generate"; }
  Framing framing() const override { return Framing::WholeBody; }
  bool streams() const override { return false; }

  HttpRequest BuildRequest(const GenerationRequest& r) const override {
    return {std::string(default_path()), TgiBody(r), {"Content-Type: application/json", "Accept: application/json"}};
  }

  EventKind Decode(const SseEvent& event, StreamTally& tally) override {
    simdjson::ondemand::document doc;
    object root;
    if (scratch_.Iterate(event.data).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS) {
      return CountMalformed(tally);
    }
    EventKind kind = EventKind::Meta;
    bool has_text = false;
    for (auto field : root) {
      JsonKey key;
      value v;
      if (field.key().get(key) != SUCCESS || field.value().get(v) != SUCCESS) return CountMalformed(tally);
      std::string_view text;
      if (key == "generated_text" && v.get_string().get(text) == SUCCESS) {
        has_text = !text.empty();
        if (has_text) {
          ++tally.text_chunks;
          tally.text_bytes += static_cast<std::int64_t>(TakeText(text, tally));
        }
        tally.done = true;
      } else if (key == "details") {
        ReadDetails(v, tally);
      } else if (key == "error") {
        if (v.get_string().get(text) != SUCCESS) text = "error object in answer";
        if (tally.error.empty()) tally.error.assign(text);
        kind = EventKind::Error;
      }
    }
    if (!AtEnd(doc)) return CountMalformed(tally);
    if (kind == EventKind::Error) return kind;
    return has_text ? EventKind::Text : tally.done ? EventKind::Done : EventKind::Meta;
  }

  void OnHeader(std::string_view name, std::string_view value, StreamTally& tally) const override {
    ReadTgiHeader(name, value, tally);
  }

 private:
  JsonScratch scratch_;
};

}  // namespace

std::unique_ptr<Protocol> MakeTgi() { return std::make_unique<Tgi>(); }
std::unique_ptr<Protocol> MakeTgiGenerate() { return std::make_unique<TgiGenerate>(); }

}  // namespace llmbench::protocol
