// A request trace ([classes.<name>] trace): timestamped JSON lines in Mooncake's shape,
// {"timestamp": 27482, "input_length": 6955, "output_length": 52, ...} (input_tokens /
// output_tokens also accepted; other fields ignored). Replayed on its own schedule, each request
// synthesised to its entry's lengths with its own unique preamble.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "prompt/synthesize.hpp"
#include "scenario/scenario.hpp"

namespace llmbench::prompt {

struct Trace {
  std::string path;
  std::vector<double> timestamps_s;  ///< in time order (stable), converted from trace_time_unit
  std::vector<std::int64_t> input_tokens, output_tokens;
  std::uint64_t content_hash = 0;
};

/// Reads the first `cls.trace_requests` entries (all when 0). Throws InputError naming the file,
/// the line and what is wrong (not JSON, a missing or non-positive length, a missing timestamp).
Trace LoadTrace(const std::string& path, const scenario::PromptClass& cls);

/// The first `count` entries' prompts, in file order (one per entry: its lengths, a preamble
/// unique to (nonce, index), a body seeded by `seed` and the index).
std::vector<Prompt> TracePrompts(const Trace& trace, const scenario::PromptClass& cls, std::int64_t count,
                                 std::uint64_t seed, std::uint64_t nonce, bool with_code);

}  // namespace llmbench::prompt
