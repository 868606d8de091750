// Anthropic's Messages API: POST /v1/messages with "stream": true, answered as typed SSE events
// (the `event:` name repeats the data's "type"):
//   message_start        {"message": {"usage": {"input_tokens", "cache_read_input_tokens",
//                         "cache_creation_input_tokens", "output_tokens"}, ...}}
//   content_block_start  {"index", "content_block": {"type": "text", "text": ""}}
//   ping                 keep-alive, anywhere
//   content_block_delta  {"delta": {"type": "text_delta", "text"} | thinking_delta "thinking" |
//                         input_json_delta "partial_json" | signature_delta}
//   content_block_stop
//   message_delta        {"delta": {"stop_reason", ...}, "usage": {"output_tokens" (cumulative)}}
//   message_stop         the end of the stream
//   error                {"error": {"type": "overloaded_error", "message"}}, also mid-stream
// Input tokens are the uncached part only; the prompt's length is their sum with the cache's
// reads and writes, and the cache's reads are the cached prompt tokens. The key goes in
// `x-api-key`, with the `anthropic-version` header.
#include <nlohmann/json.hpp>

#include "protocol/json_scan.hpp"
#include "protocol/openai.hpp"
#include "protocol/shared_fields.hpp"

namespace llmbench::protocol {
namespace {

using simdjson::SUCCESS;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

constexpr std::string_view kApiVersion = "2023-06-01";

// One usage object holds the prompt's parts together (message_start; message_delta repeats them
// on newer servers, or carries output_tokens alone).
void ReadUsage(value v, StreamTally& tally) {
  object usage;
  if (v.get_object().get(usage) != SUCCESS) return;
  struct {
    std::int64_t uncached = -1, cache_read = -1, cache_write = -1;
  } input;
  for (auto field : usage) {
    JsonKey key;
    if (field.key().get(key) != SUCCESS) return;
    const auto n = CountOr(field.value());
    if (n < 0) continue;
    if (key == "input_tokens") input.uncached = n;
    if (key == "cache_read_input_tokens") input.cache_read = n;
    if (key == "cache_creation_input_tokens") input.cache_write = n;
    if (key == "output_tokens") tally.completion_tokens = n;
  }
  if (input.uncached >= 0) {
    tally.prompt_tokens =
        input.uncached + std::max<std::int64_t>(input.cache_read, 0) + std::max<std::int64_t>(input.cache_write, 0);
  }
  if (input.cache_read >= 0) tally.cached_prompt_tokens = input.cache_read;
}

// A content_block_delta's or message_delta's "delta": its text bytes; the stop reason.
std::size_t ReadDelta(value v, StreamTally& tally) {
  object delta;
  if (v.get_object().get(delta) != SUCCESS) return 0;
  std::size_t bytes = 0;
  for (auto field : delta) {
    JsonKey key;
    std::string_view text;
    if (field.key().get(key) != SUCCESS) break;
    if (key == "text" || key == "thinking" || key == "partial_json") {
      if (field.value().get_string().get(text) == SUCCESS) bytes += TakeText(text, tally);
    } else if (key == "stop_reason") {
      if (field.value().get_string().get(text) == SUCCESS) tally.finish_reason.assign(text);
    }
  }
  return bytes;
}

class AnthropicMessages final : public Protocol {
 public:
  std::string_view name() const override { return kAnthropicMessages; }
  std::string_view default_path() const override { return "/v1/messages"; }
  bool sends_messages() const override { return true; }
  std::string AuthHeader(std::string_view key) const override { return "x-api-key: " + std::string(key); }

  HttpRequest BuildRequest(const GenerationRequest& r) const override {
    nlohmann::json body{
        {"model", r.model}, {"max_tokens", r.max_tokens}, {"stream", true}, {"messages", ChatMessages(r)}};
    PutSampling(r, body, /*with_seed=*/false);  // the Messages API has no seed
    // No way to force an output length (no ignore_eos): max_tokens caps it.
    MergeExtraBody(r.extra_body_json, body);
    return {std::string(default_path()),
            body.dump(),
            {"Content-Type: application/json", "Accept: text/event-stream",
             "anthropic-version: " + std::string(kApiVersion)}};
  }

  EventKind Decode(const SseEvent& event, StreamTally& tally) override {
    if (event.event == "error") return ReadErrorEvent(scratch_, event.data, tally);
    simdjson::ondemand::document doc;
    object root;
    if (scratch_.Iterate(event.data).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS) {
      return CountMalformed(tally);
    }
    std::string_view type = event.event;  // the data's "type" wins when both are there
    std::size_t bytes = 0;
    bool error = false;
    for (auto field : root) {
      JsonKey key;
      value v;
      if (field.key().get(key) != SUCCESS || field.value().get(v) != SUCCESS) return CountMalformed(tally);
      if (key == "type") {
        if (v.get_string().get(type) != SUCCESS) return CountMalformed(tally);
      } else if (key == "delta") {
        bytes += ReadDelta(v, tally);
      } else if (key == "usage") {
        ReadUsage(v, tally);
      } else if (key == "message") {
        object message;
        if (v.get_object().get(message) != SUCCESS) continue;
        for (auto m : message) {
          JsonKey mkey;
          value mv;
          if (m.key().get(mkey) != SUCCESS || m.value().get(mv) != SUCCESS) break;
          if (mkey == "usage") ReadUsage(mv, tally);
        }
      } else if (key == "error") {
        ReadErrorValue(v, tally);
        error = true;
      }
    }
    if (!AtEnd(doc)) return CountMalformed(tally);
    if (error || type == "error") {
      if (tally.error.empty()) tally.error = "error event in stream";
      return EventKind::Error;
    }
    if (type == "message_stop") {
      tally.done = true;
      return EventKind::Done;
    }
    return bytes > 0 ? CountText(bytes, tally) : EventKind::Meta;
  }

 private:
  JsonScratch scratch_;
};

}  // namespace

std::unique_ptr<Protocol> MakeAnthropicMessages() { return std::make_unique<AnthropicMessages>(); }

}  // namespace llmbench::protocol
