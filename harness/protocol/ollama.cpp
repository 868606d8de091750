// Ollama's native API: POST /api/generate and /api/chat, streamed as newline-delimited JSON.
// Each line: {"model":..,"created_at":..,"response":"The","done":false} (chat: "message":
// {"role":"assistant","content":"The"}); the last has "done":true, "done_reason", the token
// counts "prompt_eval_count"/"eval_count" and durations in nanoseconds: "total_duration",
// "load_duration" (loading the model before the prompt: reported as queue time, the wait before
// processing), "prompt_eval_duration", "eval_duration". Errors: {"error":"..."}.
// Ollama has no way to force an output length (no ignore_eos / min_tokens): num_predict caps it.
#include <nlohmann/json.hpp>

#include "protocol/json_scan.hpp"
#include "protocol/openai.hpp"
#include "protocol/shared_fields.hpp"

namespace llmbench::protocol {
namespace {

using simdjson::SUCCESS;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

std::int64_t NsOr(value v) { return CountOr(v); }

class Ollama final : public Protocol {
 public:
  explicit Ollama(bool chat) : chat_(chat) {}
  std::string_view name() const override { return chat_ ? kOllamaChat : kOllamaGenerate; }
  std::string_view default_path() const override { return chat_ ? "/api/chat" : "/api/generate"; }
  bool sends_messages() const override { return chat_; }
  Framing framing() const override { return Framing::JsonLines; }

  HttpRequest BuildRequest(const GenerationRequest& r) const override {
    nlohmann::json options{{"num_predict", r.max_tokens}};
    PutSampling(r, options);
    nlohmann::json body{{"model", r.model}, {"stream", true}, {"options", options}};
    if (chat_) {
      body["messages"] = ChatMessages(r);
    } else {
      body["prompt"] = FlatPrompt(r);
      body["raw"] = true;  // the prompt as written: no template, no context from earlier requests
    }
    MergeExtraBody(r.extra_body_json, body);
    return {
        std::string(default_path()), body.dump(), {"Content-Type: application/json", "Accept: application/x-ndjson"}};
  }

  EventKind Decode(const SseEvent& event, StreamTally& tally) override {
    simdjson::ondemand::document doc;
    object root;
    if (scratch_.Iterate(event.data).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS) {
      return CountMalformed(tally);
    }
    std::size_t bytes = 0;
    bool error = false;
    bool done = false;
    for (auto field : root) {
      JsonKey key;
      value v;
      if (field.key().get(key) != SUCCESS || field.value().get(v) != SUCCESS) return CountMalformed(tally);
      std::string_view text;
      if (key == "response") {
        if (v.get_string().get(text) == SUCCESS) bytes += TakeText(text, tally);
      } else if (key == "message") {
        bytes += MessageBytes(v, tally);
      } else if (key == "done") {
        if (v.get_bool().get(done) != SUCCESS) done = false;
      } else if (key == "done_reason") {
        if (v.get_string().get(text) == SUCCESS) tally.finish_reason.assign(text);
      } else if (key == "prompt_eval_count") {
        tally.prompt_tokens = NsOr(v);
      } else if (key == "eval_count") {
        tally.completion_tokens = NsOr(v);
      } else if (key == "total_duration") {
        tally.timings.total_ns = NsOr(v);
      } else if (key == "load_duration") {
        tally.timings.queue_ns = NsOr(v);
      } else if (key == "prompt_eval_duration") {
        tally.timings.prompt_ns = NsOr(v);
      } else if (key == "eval_duration") {
        tally.timings.completion_ns = NsOr(v);
      } else if (key == "error") {
        if (v.get_string().get(text) != SUCCESS || text.empty()) text = "error object in stream";
        if (tally.error.empty()) tally.error.assign(text);
        error = true;
      }
    }
    if (!AtEnd(doc)) return CountMalformed(tally);
    if (error) return EventKind::Error;
    if (done) tally.done = true;
    if (bytes > 0) return CountText(bytes, tally);
    return done ? EventKind::Done : EventKind::Meta;
  }

 private:
  // message.content, or message.thinking (reasoning models), in UTF-8 bytes.
  static std::size_t MessageBytes(value v, StreamTally& tally) {
    object message;
    if (v.get_object().get(message) != SUCCESS) return 0;
    std::size_t bytes = 0;
    for (auto field : message) {
      JsonKey key;
      std::string_view text;
      if (field.key().get(key) != SUCCESS) break;
      if ((key == "content" || key == "thinking") && field.value().get_string().get(text) == SUCCESS) {
        bytes += TakeText(text, tally);
      }
    }
    return bytes;
  }
  bool chat_;
  JsonScratch scratch_;
};

}  // namespace

std::unique_ptr<Protocol> MakeOllamaGenerate() { return std::make_unique<Ollama>(false); }
std::unique_ptr<Protocol> MakeOllamaChat() { return std::make_unique<Ollama>(true); }

}  // namespace llmbench::protocol
