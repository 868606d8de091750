// OpenAI-compatible streaming: /v1/chat/completions and /v1/completions (vLLM, SGLang, TGI's
// Messages API, llama.cpp server, Ollama's /v1, hosted APIs). Server-side timings are read from
// the extensions engines add to the final chunk: Cerebras `time_info`, Groq `x_groq.usage`,
// llama.cpp `timings`.
#include <nlohmann/json.hpp>

#include <cstring>

#include "protocol/json_scan.hpp"
#include "protocol/openai.hpp"
#include "protocol/shared_fields.hpp"

namespace llmbench::protocol {
namespace {

using simdjson::SUCCESS;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

// Token counts and server timings in seconds (floats). OpenAI `usage` carries the counts,
// Cerebras `time_info` the timings, Groq `x_groq.usage` both, under these key names.
void ReadCountFields(object fields, StreamTally& tally) {
  for (auto field : fields) {
    JsonKey key;
    if (field.key().get(key) != SUCCESS) return;
    if (key == "prompt_tokens") {
      tally.prompt_tokens = CountOr(field.value());
      continue;
    }
    if (key == "completion_tokens") {
      tally.completion_tokens = CountOr(field.value());
      continue;
    }
    if (key == "prompt_tokens_details") {  // OpenAI, vLLM: {"cached_tokens": N}
      object details;
      value v;
      double cached = -1;
      if (field.value().get_object().get(details) == SUCCESS &&
          details.find_field_unordered("cached_tokens").get(v) == SUCCESS) {
        cached = NumberOr(v, -1);
      }
      if (cached >= 0) tally.cached_prompt_tokens = WholeOr(cached);
      continue;
    }
    std::int64_t* slot = key == "queue_time"        ? &tally.timings.queue_ns
                         : key == "prompt_time"     ? &tally.timings.prompt_ns
                         : key == "completion_time" ? &tally.timings.completion_ns
                         : key == "total_time"      ? &tally.timings.total_ns
                                                    : nullptr;
    if (slot == nullptr) continue;
    const double s = NumberOr(field.value(), -1);
    if (s >= 0) *slot = SecondsToNs(s);
  }
}

void ReadCountsAndSeconds(value v, StreamTally& tally) {
  object fields;
  if (v.get_object().get(fields) == SUCCESS) ReadCountFields(fields, tally);  // "usage": null is common
}

void ReadGroq(value v, StreamTally& tally) {
  object groq;
  if (v.get_object().get(groq) != SUCCESS) return;
  for (auto field : groq) {
    JsonKey key;
    if (field.key().get(key) != SUCCESS) return;
    value usage;
    if (key == "usage" && field.value().get(usage) == SUCCESS) ReadCountsAndSeconds(usage, tally);
  }
}

// What the walk over one chunk found besides its counts: whether the chunk carried nothing but
// text, and where its one text string lies, for ChunkShape.
struct ChunkScan {
  std::size_t bytes = 0;       ///< generated text, all strings
  int texts = 0;               ///< non-empty text strings
  const char* text = nullptr;  ///< the first one's characters in the parser's copy, when plain
  bool only_text = true;       ///< no finish reason, usage, timings or error: nothing but text
};

// Adds a text field's string (anything else adds nothing). The string can stand for the chunk's
// shape only when its characters are written as they are (no escapes) in its token.
void TakeChunkText(value v, StreamTally& tally, ChunkScan& scan) {
  const std::string_view raw = v.raw_json_token();  // as written, quotes included
  std::string_view text;
  if (v.get_string().get(text) != SUCCESS) return;
  scan.bytes += TakeText(text, tally);
  if (text.empty()) return;
  if (++scan.texts == 1 && raw.size() >= text.size() + 2 && raw[0] == '"' && raw[1 + text.size()] == '"' &&
      std::memchr(raw.data() + 1, '\\', text.size()) == nullptr) {
    scan.text = raw.data() + 1;
  }
}

// Adds the text of one choice. Chat puts it in delta.content (or delta.reasoning_content /
// delta.reasoning for reasoning models), completions in text.
void ReadChoice(object choice, StreamTally& tally, ChunkScan& scan) {
  for (auto field : choice) {
    JsonKey key;
    if (field.key().get(key) != SUCCESS) break;
    std::string_view text;
    value v;
    object delta;
    if (key == "text") {
      if (field.value().get(v) == SUCCESS) TakeChunkText(v, tally, scan);
    } else if (key == "delta" && field.value().get_object().get(delta) == SUCCESS) {
      for (auto d : delta) {
        JsonKey dkey;
        if (d.key().get(dkey) != SUCCESS) break;
        if ((dkey == "content" || dkey == "reasoning_content" || dkey == "reasoning") && d.value().get(v) == SUCCESS) {
          TakeChunkText(v, tally, scan);
        }
      }
    } else if (key == "finish_reason") {
      if (field.value().get_string().get(text) == SUCCESS) {
        tally.finish_reason.assign(text);
        scan.only_text = false;
      }
    }
  }
}

bool IsNull(value v) {
  simdjson::ondemand::json_type type;
  return v.type().get(type) == SUCCESS && type == simdjson::ondemand::json_type::null;
}

class OpenAi final : public Protocol {
 public:
  explicit OpenAi(bool chat) : chat_(chat) {}
  std::string_view name() const override { return chat_ ? kOpenAiChat : kOpenAiCompletions; }
  std::string_view default_path() const override { return chat_ ? "/v1/chat/completions" : "/v1/completions"; }
  bool sends_messages() const override { return chat_; }

  HttpRequest BuildRequest(const GenerationRequest& r) const override {
    nlohmann::json body{{"model", r.model},
                        {"stream", true},
                        {"max_tokens", r.max_tokens},
                        {"stream_options", {{"include_usage", true}}}};
    if (chat_) {
      body["messages"] = ChatMessages(r);
    } else {
      body["prompt"] = FlatPrompt(r);
    }
    PutSampling(r, body);
    if (r.force_length) {
      body["ignore_eos"] = true;  // vLLM, SGLang, the simulator
      body["min_tokens"] = r.max_tokens;
    }
    MergeExtraBody(r.extra_body_json, body);
    return {std::string(default_path()), body.dump(), {"Content-Type: application/json", "Accept: text/event-stream"}};
  }

  // Events of the stream's last plain text chunk's shape, straight from the read's bytes (see
  // ChunkShape::MatchEvent): what Decode's first branch below counts, without framing them.
  WholeEvents DecodeWholeEvents(std::string_view bytes, StreamTally& tally) override {
    WholeEvents done;
    for (;;) {
      const ChunkShape::EventMatch match = tally.shape.MatchEvent(bytes.substr(done.bytes));
      if (match.size == 0) return done;
      CountText(TakeText(match.text, tally), tally);
      done.bytes += match.size;
      ++done.texts;
    }
  }

  EventKind Decode(const SseEvent& event, StreamTally& tally) override {
    if (event.event == "error") return ReadErrorEvent(scratch_, event.data, tally);
    // The usual chunk: the stream's last plain text chunk with another text (see ChunkShape).
    if (const std::string_view text = tally.shape.Match(event.data); !text.empty()) {
      return CountText(TakeText(text, tally), tally);
    }
    if (event.data == "[DONE]") {
      tally.done = true;
      return EventKind::Done;
    }
    simdjson::ondemand::document doc;
    object root;
    if (scratch_.Iterate(event.data).get(doc) != SUCCESS || doc.get_object().get(root) != SUCCESS) {
      return CountMalformed(tally);
    }
    ChunkScan scan;
    bool error = false;
    for (auto field : root) {
      JsonKey key;
      if (field.key().get(key) != SUCCESS) return CountMalformed(tally);
      value v;
      if (field.value().get(v) != SUCCESS) return CountMalformed(tally);
      if (key == "choices") {
        simdjson::ondemand::array choices;
        if (v.get_array().get(choices) != SUCCESS) continue;
        for (auto c : choices) {
          object choice;
          if (c.get_object().get(choice) == SUCCESS) ReadChoice(choice, tally, scan);
        }
      } else if (key == "usage" || key == "time_info") {
        if (IsNull(v)) continue;  // OpenAI sends "usage": null in every chunk but the last
        scan.only_text = false;
        ReadCountsAndSeconds(v, tally);
      } else if (key == "timings") {
        scan.only_text = false;
        ReadLlamaCppTimings(v, tally);
      } else if (key == "x_groq") {
        scan.only_text = false;
        ReadGroq(v, tally);
      } else if (key == "error") {
        ReadErrorValue(v, tally);
        error = true;
      }
    }
    // A truncated document fails here, after the fields before the cut were read.
    if (!AtEnd(doc)) return CountMalformed(tally);
    if (error) return EventKind::Error;
    if (scan.bytes == 0) return EventKind::Meta;
    if (scan.only_text && scan.texts == 1 && scan.text != nullptr) {
      tally.shape.Learn(event.data, static_cast<std::size_t>(scan.text - scratch_.copy()), scan.bytes);
    }
    return CountText(scan.bytes, tally);
  }

 private:
  bool chat_;
  JsonScratch scratch_;
};

}  // namespace

void PutSampling(const GenerationRequest& r, nlohmann::json& into, bool with_seed) {
  if (r.temperature) into["temperature"] = *r.temperature;
  if (r.top_p) into["top_p"] = *r.top_p;
  if (r.top_k) into["top_k"] = *r.top_k;
  if (r.seed && with_seed) into["seed"] = *r.seed;
}

nlohmann::json ChatMessages(const GenerationRequest& r) {
  nlohmann::json messages = nlohmann::json::array();
  for (const ChatTurn& t : r.history) {
    messages.push_back({{"role", "user"}, {"content", t.user}});
    messages.push_back({{"role", "assistant"}, {"content", t.assistant}});
  }
  messages.push_back({{"role", "user"}, {"content", r.prompt}});
  return messages;
}

std::string FlatPrompt(const GenerationRequest& r) {
  if (r.history.empty()) return r.prompt;
  std::string out;
  for (const ChatTurn& t : r.history) {
    out += "User: " + t.user + "\nAssistant: " + t.assistant + "\n";
  }
  return out + "User: " + r.prompt + "\nAssistant:";
}

void MergeExtraBody(const std::string& extra_body_json, nlohmann::json& body) {
  if (extra_body_json.empty()) return;
  body.merge_patch(nlohmann::json::parse(extra_body_json));
}

std::unique_ptr<Protocol> MakeOpenAiChat() { return std::make_unique<OpenAi>(true); }
std::unique_ptr<Protocol> MakeOpenAiCompletions() { return std::make_unique<OpenAi>(false); }

}  // namespace llmbench::protocol
