// Reads what the simulator needs from a request: wire format (by path), lengths, options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/stream_encoder.hpp"
#include "sim/tokenizer.hpp"

namespace llmbench::sim {

struct ParsedRequest {
  Wire wire = Wire::Chat;
  std::string model;
  std::int64_t input_tokens = 0;   ///< the prompt's tokens under the simulator's tokenizer
  std::int64_t output_tokens = 0;  ///< max_tokens / max_completion_tokens / max_new_tokens
  bool include_usage = false;
  /// The code a crossover-checked prompt asks for ("Begin your reply with the code K17-3fa9."):
  /// the simulator's answer begins with it, as a model that follows the instruction would.
  std::string code;
  /// Chat: a running hash after each message (role and content), oldest first: the keys under
  /// which the prefix cache looks for the request's history.
  std::vector<std::uint64_t> message_hashes;
};

/// The running hash of a conversation after one more message.
std::uint64_t HashMessage(std::uint64_t running, std::string_view role, std::string_view content);

/// nullopt with `error` set ("not found" for an unknown path) when the request is unusable.
std::optional<ParsedRequest> ParseRequest(bool is_post, std::string_view target, std::string_view body,
                                          std::string& error, const SimTokenizer& tokenizer = SimTokenizer("estimate"));

}  // namespace llmbench::sim
