// llama.cpp server's native POST /completion, streamed as SSE without a [DONE] marker:
// data: {"index":0,"content":" the","tokens":[],"stop":false,"id_slot":0,"tokens_predicted":1,
// "tokens_evaluated":5}; the last event has "stop":true, "stop_type" (eos | limit | word | none),
// "tokens_predicted", "tokens_evaluated", "tokens_cached", "generation_settings" and "timings"
// {"prompt_n","prompt_ms","predicted_n","predicted_ms",...}. Errors arrive as `error: {"code":..,
// "message":..,"type":..}` lines, which the SSE framer turns into error events.
#include <nlohmann/json.hpp>

#include "protocol/json_scan.hpp"
#include "protocol/openai.hpp"
#include "protocol/shared_fields.hpp"

namespace llmbench::protocol {
namespace {

using simdjson::SUCCESS;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

class LlamaCppCompletion final : public Protocol {
 public:
  std::string_view name() const override { return kLlamaCppCompletion; }
  std::string_view default_path() const override { return "/completion"; }

  HttpRequest BuildRequest(const GenerationRequest& r) const override {
    nlohmann::json body{{"prompt", FlatPrompt(r)}, {"n_predict", r.max_tokens}, {"stream", true}};
    PutSampling(r, body);
    if (r.force_length) body["ignore_eos"] = true;
    MergeExtraBody(r.extra_body_json, body);
    return {std::string(default_path()), body.dump(), {"Content-Type: application/json", "Accept: text/event-stream"}};
  }

  EventKind Decode(const SseEvent& event, StreamTally& tally) override {
    if (event.event == "error") return ReadErrorEvent(scratch_, event.data, tally);
    simdjson::ondemand::document doc;
    object root;
    if (scratch_.Iterate(event.data).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS) {
      return CountMalformed(tally);
    }
    std::size_t bytes = 0;
    bool stop = false;
    for (auto field : root) {
      JsonKey key;
      value v;
      if (field.key().get(key) != SUCCESS || field.value().get(v) != SUCCESS) return CountMalformed(tally);
      std::string_view text;
      if (key == "content") {
        if (v.get_string().get(text) == SUCCESS) bytes += TakeText(text, tally);
      } else if (key == "stop") {
        if (v.get_bool().get(stop) != SUCCESS) stop = false;
      } else if (key == "stop_type") {
        if (v.get_string().get(text) == SUCCESS) tally.finish_reason.assign(text);
      } else if (key == "tokens_predicted") {
        tally.completion_tokens = CountOr(v);
      } else if (key == "tokens_evaluated") {
        tally.prompt_tokens = CountOr(v);
      } else if (key == "timings") {
        ReadLlamaCppTimings(v, tally);
      }
    }
    if (!AtEnd(doc)) return CountMalformed(tally);
    if (stop) tally.done = true;
    if (bytes > 0) return CountText(bytes, tally);
    return stop ? EventKind::Done : EventKind::Meta;
  }

 private:
  JsonScratch scratch_;
};

}  // namespace

std::unique_ptr<Protocol> MakeLlamaCppCompletion() { return std::make_unique<LlamaCppCompletion>(); }

}  // namespace llmbench::protocol
