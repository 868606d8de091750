// OpenAI-compatible streaming: /v1/chat/completions and /v1/completions (vLLM, SGLang, TGI's
// Messages API, llama.cpp server, Ollama's /v1, hosted APIs). Server-side timings are read from
// the extensions engines add to the final chunk: Cerebras `time_info`, Groq `x_groq.usage`,
// llama.cpp `timings`.
#include <nlohmann/json.hpp>

#include "protocol/json_scan.hpp"
#include "protocol/openai.hpp"

namespace llmbench::protocol {
namespace {

using simdjson::SUCCESS;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

void ReadUsage(value v, StreamTally& tally) {
  object usage;
  if (v.get_object().get(usage) != SUCCESS) return;  // "usage": null on ordinary chunks
  for (auto field : usage) {
    std::string_view key;
    if (field.unescaped_key().get(key) != SUCCESS) return;
    if (key == "prompt_tokens")
      tally.prompt_tokens = static_cast<std::int64_t>(NumberOr(field.value(), -1));
    else if (key == "completion_tokens")
      tally.completion_tokens = static_cast<std::int64_t>(NumberOr(field.value(), -1));
  }
}

// Cerebras time_info and Groq x_groq.usage: seconds as floats, same key names.
void ReadSecondsTimings(object timings, StreamTally& tally) {
  for (auto field : timings) {
    std::string_view key;
    if (field.unescaped_key().get(key) != SUCCESS) return;
    const double s = NumberOr(field.value(), -1);
    if (s < 0) continue;
    if (key == "queue_time")
      tally.timings.queue_ns = SecondsToNs(s);
    else if (key == "prompt_time")
      tally.timings.prompt_ns = SecondsToNs(s);
    else if (key == "completion_time")
      tally.timings.completion_ns = SecondsToNs(s);
    else if (key == "total_time")
      tally.timings.total_ns = SecondsToNs(s);
  }
}

// llama.cpp server `timings`: prompt_ms / predicted_ms (milliseconds, floats).
void ReadLlamaCppTimings(object timings, StreamTally& tally) {
  for (auto field : timings) {
    std::string_view key;
    if (field.unescaped_key().get(key) != SUCCESS) return;
    const double ms = NumberOr(field.value(), -1);
    if (ms < 0) continue;
    if (key == "prompt_ms")
      tally.timings.prompt_ns = SecondsToNs(ms / 1e3);
    else if (key == "predicted_ms")
      tally.timings.completion_ns = SecondsToNs(ms / 1e3);
  }
  if (tally.timings.prompt_ns >= 0 && tally.timings.completion_ns >= 0) {
    tally.timings.total_ns = tally.timings.prompt_ns + tally.timings.completion_ns;
  }
}

void ReadGroq(value v, StreamTally& tally) {
  object groq;
  if (v.get_object().get(groq) != SUCCESS) return;
  for (auto field : groq) {
    std::string_view key;
    if (field.unescaped_key().get(key) != SUCCESS) return;
    object usage;
    if (key == "usage" && field.value().get_object().get(usage) == SUCCESS) {
      ReadSecondsTimings(usage, tally);
    }
  }
}

void ReadError(value v, StreamTally& tally) {
  std::string_view message;
  object error;
  if (v.get_string().get(message) == SUCCESS) {
    // plain string
  } else if (v.get_object().get(error) == SUCCESS) {
    for (auto field : error) {
      std::string_view key;
      if (field.unescaped_key().get(key) == SUCCESS && key == "message") {
        if (field.value().get_string().get(message) != SUCCESS) message = {};
        break;
      }
    }
  }
  if (tally.error.empty()) tally.error = message.empty() ? "error object in stream" : std::string(message);
}

// Adds the text of one choice; returns its byte count. Chat puts it in delta.content (or
// delta.reasoning_content / delta.reasoning for reasoning models), completions in text.
std::size_t ReadChoice(object choice, StreamTally& tally) {
  std::size_t bytes = 0;
  for (auto field : choice) {
    std::string_view key;
    if (field.unescaped_key().get(key) != SUCCESS) break;
    std::string_view text;
    object delta;
    if (key == "text") {
      if (field.value().get_string().get(text) == SUCCESS) bytes += text.size();
    } else if (key == "delta" && field.value().get_object().get(delta) == SUCCESS) {
      for (auto d : delta) {
        std::string_view dkey;
        if (d.unescaped_key().get(dkey) != SUCCESS) break;
        if ((dkey == "content" || dkey == "reasoning_content" || dkey == "reasoning") &&
            d.value().get_string().get(text) == SUCCESS) {
          bytes += text.size();
        }
      }
    } else if (key == "finish_reason") {
      if (field.value().get_string().get(text) == SUCCESS) tally.finish_reason.assign(text);
    }
  }
  return bytes;
}

class OpenAi final : public Protocol {
 public:
  explicit OpenAi(bool chat) : chat_(chat) {}
  std::string_view name() const override { return chat_ ? kOpenAiChat : kOpenAiCompletions; }
  std::string_view default_path() const override { return chat_ ? "/v1/chat/completions" : "/v1/completions"; }

  HttpRequest BuildRequest(const GenerationRequest& r) const override {
    nlohmann::json body{{"model", r.model},
                        {"stream", true},
                        {"max_tokens", r.max_tokens},
                        {"stream_options", {{"include_usage", true}}}};
    if (chat_) {
      body["messages"] = nlohmann::json::array({{{"role", "user"}, {"content", r.prompt}}});
    } else {
      body["prompt"] = r.prompt;
    }
    if (r.temperature) body["temperature"] = *r.temperature;
    if (r.force_length) {
      body["ignore_eos"] = true;  // vLLM, SGLang, the simulator
      body["min_tokens"] = r.max_tokens;
    }
    MergeExtraBody(r.extra_body_json, body);
    return {std::string(default_path()), body.dump(), {"Content-Type: application/json", "Accept: text/event-stream"}};
  }

  EventKind Decode(const SseEvent& event, StreamTally& tally) override {
    if (event.event == "error") {
      if (tally.error.empty()) tally.error = std::string(event.data);
      return EventKind::Error;
    }
    if (event.data == "[DONE]") {
      tally.done = true;
      return EventKind::Done;
    }
    simdjson::ondemand::document doc;
    object root;
    if (scratch_.Iterate(event.data).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS) {
      return Malformed(tally);
    }
    std::size_t bytes = 0;
    bool error = false;
    for (auto field : root) {
      std::string_view key;
      if (field.unescaped_key().get(key) != SUCCESS) return Malformed(tally);
      value v;
      if (field.value().get(v) != SUCCESS) return Malformed(tally);
      if (key == "choices") {
        simdjson::ondemand::array choices;
        if (v.get_array().get(choices) != SUCCESS) continue;
        for (auto c : choices) {
          object choice;
          if (c.get_object().get(choice) == SUCCESS) bytes += ReadChoice(choice, tally);
        }
      } else if (key == "usage") {
        ReadUsage(v, tally);
      } else if (key == "time_info") {
        object t;
        if (v.get_object().get(t) == SUCCESS) ReadSecondsTimings(t, tally);
      } else if (key == "timings") {
        object t;
        if (v.get_object().get(t) == SUCCESS) ReadLlamaCppTimings(t, tally);
      } else if (key == "x_groq") {
        ReadGroq(v, tally);
      } else if (key == "error") {
        ReadError(v, tally);
        error = true;
      }
    }
    // A truncated document fails here, after the fields before the cut were read.
    if (!AtEnd(doc)) return Malformed(tally);
    if (error) return EventKind::Error;
    if (bytes == 0) return EventKind::Meta;
    ++tally.text_chunks;
    tally.text_bytes += static_cast<std::int64_t>(bytes);
    return EventKind::Text;
  }

 private:
  static EventKind Malformed(StreamTally& tally) {
    ++tally.malformed_events;
    return EventKind::Malformed;
  }
  bool chat_;
  JsonScratch scratch_;
};

}  // namespace

void MergeExtraBody(const std::string& extra_body_json, nlohmann::json& body) {
  if (extra_body_json.empty()) return;
  body.merge_patch(nlohmann::json::parse(extra_body_json));
}

std::unique_ptr<Protocol> MakeOpenAiChat() { return std::make_unique<OpenAi>(true); }
std::unique_ptr<Protocol> MakeOpenAiCompletions() { return std::make_unique<OpenAi>(false); }

}  // namespace llmbench::protocol
