// Writes the simulator's response streams in each wire format the harness decodes: OpenAI chat
// and completions chunks (with usage and Cerebras-style `time_info`), TGI generate_stream events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace llmbench::sim {

/// TgiGenerate is TGI's non-streaming /generate: answered whole by SimServer, not encoded here.
enum class Wire { Chat, Completions, Tgi, TgiGenerate };

/// Server-side times reported in the final event, in nanoseconds.
struct ReportedTimes {
  std::int64_t queue_ns = 0, prompt_ns = 0, completion_ns = 0, total_ns = 0;
};

/// Appends complete SSE events ("data: ...\n\n") to a caller-owned buffer. One per response.
class StreamEncoder {
 public:
  StreamEncoder(Wire wire, std::string model, std::string id, bool include_usage);

  /// The opening event (chat: the assistant role with empty content); nothing for others.
  void Start(std::string& out) const;
  /// One text chunk of `tokens` tokens. For TGI each token is its own event, so callers send
  /// tokens_per_chunk = 1 there (TGI has no multi-token events).
  void Text(std::string_view text, std::string& out);
  /// The closing events: finish reason, usage and timings, and [DONE] for OpenAI. With a prefix
  /// cache, `cached_tokens` >= 0 goes into usage as prompt_tokens_details.cached_tokens.
  void Finish(std::int64_t input_tokens, std::int64_t output_tokens, const ReportedTimes& times, std::string& out,
              std::int64_t cached_tokens = -1);
  /// A broken event for fault injection.
  static void Malformed(std::string& out);
  /// An error inside the stream, in the wire's own format.
  void Error(std::string_view message, std::string& out) const;

 private:
  Wire wire_;
  std::string model_;
  std::string id_;
  bool include_usage_;
  std::int64_t index_ = 0;
  std::string last_text_;  ///< TGI: the last token is held back to carry the details
  std::string generated_;  ///< TGI: generated_text of the final event
};

}  // namespace llmbench::sim
