#include "protocol/shared_fields.hpp"

namespace llmbench::protocol {

using simdjson::SUCCESS;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

namespace {
constexpr std::string_view kNoMessage = "error object in stream";
}

void ReadErrorValue(value v, StreamTally& tally) {
  std::string_view message;
  object error;
  if (v.get_string().get(message) == SUCCESS) {
    // plain string
  } else if (v.get_object().get(error) == SUCCESS) {
    for (auto field : error) {
      JsonKey key;
      if (field.key().get(key) == SUCCESS && key == "message") {
        if (field.value().get_string().get(message) != SUCCESS) message = {};
        break;
      }
    }
  }
  if (tally.error.empty()) tally.error = message.empty() ? std::string(kNoMessage) : std::string(message);
}

EventKind ReadErrorEvent(JsonScratch& scratch, std::string_view data, StreamTally& tally) {
  if (!tally.error.empty()) return EventKind::Error;
  simdjson::ondemand::document doc;
  if (scratch.Iterate(data).get(doc) == SUCCESS) {
    object o;
    std::string_view message;
    if (doc.get_string().get(message) == SUCCESS) {  // a scalar root is read from the document
      tally.error.assign(message);
    } else if (doc.get_object().get(o) == SUCCESS) {
      for (auto field : o) {
        JsonKey key;
        if (field.key().get(key) != SUCCESS) break;
        value v;
        if (key == "error" && field.value().get(v) == SUCCESS) {
          ReadErrorValue(v, tally);  // {"error": {"message": ...}} or {"error": "..."}
          break;
        }
        if (key == "message" && field.value().get_string().get(message) == SUCCESS) {
          tally.error.assign(message);  // llama.cpp: {"code":500,"message":...,"type":...}
          break;
        }
      }
    }
  }
  if (tally.error.empty() || tally.error == kNoMessage) {
    tally.error = data.empty() ? "error event in stream" : std::string(data);
  }
  return EventKind::Error;
}

void ReadLlamaCppTimings(value v, StreamTally& tally) {
  object timings;
  if (v.get_object().get(timings) != SUCCESS) return;
  for (auto field : timings) {
    JsonKey key;
    if (field.key().get(key) != SUCCESS) return;
    const double ms = NumberOr(field.value(), -1);
    if (ms < 0) continue;
    if (key == "prompt_n")
      tally.evaluated_prompt_tokens = WholeOr(ms);  // a count, not a time
    else if (key == "prompt_ms")
      tally.timings.prompt_ns = SecondsToNs(ms / 1e3);
    else if (key == "predicted_ms")
      tally.timings.completion_ns = SecondsToNs(ms / 1e3);
  }
  if (tally.timings.prompt_ns >= 0 && tally.timings.completion_ns >= 0) {
    tally.timings.total_ns = tally.timings.prompt_ns + tally.timings.completion_ns;
  }
}

}  // namespace llmbench::protocol
