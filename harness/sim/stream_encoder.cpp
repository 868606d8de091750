#include "sim/stream_encoder.hpp"

#include <fmt/format.h>

namespace llmbench::sim {
namespace {

double Seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

}  // namespace

StreamEncoder::StreamEncoder(Wire wire, std::string model, std::string id, bool include_usage)
    : wire_(wire), model_(std::move(model)), id_(std::move(id)), include_usage_(include_usage) {}

void StreamEncoder::Start(std::string& out) const {
  if (wire_ != Wire::Chat) return;
  fmt::format_to(std::back_inserter(out),
                 "data: {{\"id\":\"{}\",\"object\":\"chat.completion.chunk\",\"model\":\"{}\","
                 "\"choices\":[{{\"index\":0,\"delta\":{{\"role\":\"assistant\",\"content\":\"\"}},"
                 "\"finish_reason\":null}}]}}\n\n",
                 id_, model_);
}

// Text is made of plain ASCII words (no JSON escaping needed).
void StreamEncoder::Text(std::string_view text, std::string& out) {
  auto it = std::back_inserter(out);
  switch (wire_) {
    case Wire::Chat:
      fmt::format_to(it,
                     "data: {{\"id\":\"{}\",\"object\":\"chat.completion.chunk\",\"model\":\"{}\","
                     "\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{}\"}},\"finish_reason\":null}}]}}\n\n",
                     id_, model_, text);
      break;
    case Wire::Completions:
      fmt::format_to(it,
                     "data: {{\"id\":\"{}\",\"object\":\"text_completion\",\"model\":\"{}\","
                     "\"choices\":[{{\"index\":0,\"text\":\"{}\",\"finish_reason\":null}}]}}\n\n",
                     id_, model_, text);
      break;
    case Wire::Tgi:
      ++index_;
      fmt::format_to(it,
                     "data:{{\"index\":{},\"token\":{{\"id\":{},\"text\":\"{}\",\"logprob\":-0.5,"
                     "\"special\":false}},\"generated_text\":null,\"details\":null}}\n\n",
                     index_, 1000 + index_, text);
      generated_.append(text);
      break;
    case Wire::TgiGenerate:  // answered whole by SimServer, never streamed
      break;
  }
}

void StreamEncoder::Finish(std::int64_t input_tokens, std::int64_t output_tokens, const ReportedTimes& t,
                           std::string& out, std::int64_t cached_tokens) {
  auto it = std::back_inserter(out);
  if (wire_ == Wire::Tgi) {
    ++index_;
    fmt::format_to(it,
                   "data:{{\"index\":{},\"token\":{{\"id\":2,\"text\":\"</s>\",\"logprob\":0.0,"
                   "\"special\":true}},\"generated_text\":\"{}\",\"details\":{{\"finish_reason\":"
                   "\"length\",\"generated_tokens\":{},\"seed\":null,\"input_length\":{}}}}}\n\n",
                   index_, generated_, output_tokens, input_tokens);
    return;
  }
  const char* object = wire_ == Wire::Chat ? "chat.completion.chunk" : "text_completion";
  if (wire_ == Wire::Chat) {
    fmt::format_to(it,
                   "data: {{\"id\":\"{}\",\"object\":\"{}\",\"model\":\"{}\",\"choices\":[{{\"index\":0,"
                   "\"delta\":{{}},\"finish_reason\":\"length\"}}]}}\n\n",
                   id_, object, model_);
  } else {
    fmt::format_to(it,
                   "data: {{\"id\":\"{}\",\"object\":\"{}\",\"model\":\"{}\",\"choices\":[{{\"index\":0,"
                   "\"text\":\"\",\"finish_reason\":\"length\"}}]}}\n\n",
                   id_, object, model_);
  }
  if (include_usage_) {
    fmt::format_to(it,
                   "data: {{\"id\":\"{}\",\"object\":\"{}\",\"model\":\"{}\",\"choices\":[],"
                   "\"usage\":{{\"prompt_tokens\":{},\"completion_tokens\":{},\"total_tokens\":{}{}}},"
                   "\"time_info\":{{\"queue_time\":{},\"prompt_time\":{},\"completion_time\":{},"
                   "\"total_time\":{}}}}}\n\n",
                   id_, object, model_, input_tokens, output_tokens, input_tokens + output_tokens,
                   cached_tokens >= 0
                       ? fmt::format(",\"prompt_tokens_details\":{{\"cached_tokens\":{}}}", cached_tokens)
                       : std::string(),
                   Seconds(t.queue_ns), Seconds(t.prompt_ns), Seconds(t.completion_ns), Seconds(t.total_ns));
  }
  out += "data: [DONE]\n\n";
}

void StreamEncoder::Malformed(std::string& out) { out += "data: {\"choices\":[{\"delta\":{\"content\":\"tru\n\n"; }

void StreamEncoder::Error(std::string_view message, std::string& out) const {
  if (wire_ == Wire::Tgi) {
    fmt::format_to(std::back_inserter(out), "data:{{\"error\":\"{}\",\"error_type\":\"generation\"}}\n\n", message);
  } else {
    fmt::format_to(std::back_inserter(out),
                   "data: {{\"error\":{{\"message\":\"{}\",\"type\":\"server_error\",\"code\":500}}}}\n\n", message);
  }
}

}  // namespace llmbench::sim
