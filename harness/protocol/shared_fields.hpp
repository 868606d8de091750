// Fields that several wire formats share: an error event's message, llama.cpp's `timings`.
#pragma once

#include <string_view>

#include "protocol/events.hpp"
#include "protocol/json_scan.hpp"

namespace llmbench::protocol {

/// The data of an error event (`event: error` or llama.cpp's `error:` line) into tally.error,
/// unless an error is already there: a JSON string, {"message": ..} (llama.cpp),
/// {"error": {"message": ..}} or {"error": ".."} (OpenAI-style), else the raw text.
void ReadErrorEvent(JsonScratch& scratch, std::string_view data, StreamTally& tally);

/// An {"error": ...} value: a string, or an object with "message".
void ReadErrorValue(simdjson::ondemand::value v, StreamTally& tally);

/// llama.cpp server `timings`: prompt_ms / predicted_ms (milliseconds, floats; their sum is the
/// total) and prompt_n, the prompt tokens it computed (fewer than the prompt: a cache hit).
void ReadLlamaCppTimings(simdjson::ondemand::value v, StreamTally& tally);

}  // namespace llmbench::protocol
