// The wire-protocol interface: request encoding and stream decoding, no sockets.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/events.hpp"
#include "protocol/sse_parser.hpp"

namespace llmbench::protocol {

/// What to generate, independent of the wire format.
/// An earlier turn of a conversation: what the user said and what the engine answered.
struct ChatTurn {
  std::string user;
  std::string assistant;
};

struct GenerationRequest {
  std::string model;
  std::string prompt;  ///< the (newest) user message
  /// A multi-turn conversation's earlier turns, oldest first, sent before `prompt`: as chat
  /// messages (user, assistant, …, user) where the API takes messages, else as one text
  /// ("User: …\nAssistant: …\nUser: <prompt>\nAssistant:"). Empty: `prompt` alone, as is.
  std::vector<ChatTurn> history;
  std::int64_t max_tokens = 0;
  bool force_length = false;  ///< also send ignore_eos / min_tokens (engine accepts them)
  std::optional<double> temperature;
  std::optional<double> top_p;        ///< nucleus sampling; unset = the engine's default
  std::optional<std::int64_t> top_k;  ///< top-k sampling; unset = the engine's default
  std::optional<std::int64_t> seed;   ///< the engine's sampling seed; unset = none sent
  std::string extra_body_json;        ///< JSON object merged into the body last ("" = none)
};

/// An HTTP POST to make: path relative to the engine URL, JSON body, extra headers.
struct HttpRequest {
  std::string path;
  std::string body;
  std::vector<std::string> headers;  ///< "Name: value"
};

/// One wire protocol. BuildRequest is pure; Decode keeps parser scratch space, so one instance
/// serves one thread (the client's event loop) — create one per thread with MakeProtocol.
class Protocol {
 public:
  virtual ~Protocol() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view default_path() const = 0;
  /// How the response body is cut into events.
  virtual Framing framing() const { return Framing::Sse; }
  /// The answer streams token by token. A non-streaming protocol's answer arrives whole, so
  /// TTFT, ITL and TPOT cannot be measured on the client (only E2E and the server's timings).
  virtual bool streams() const { return true; }
  /// The prompt goes out as chat messages, so the engine applies its chat template (and its
  /// tokens count as input): a tokenizer query must then send messages too.
  virtual bool sends_messages() const { return false; }
  /// The header that carries an API key: "Authorization: Bearer KEY" (OpenAI and most others).
  virtual std::string AuthHeader(std::string_view key) const;
  virtual HttpRequest BuildRequest(const GenerationRequest& request) const = 0;
  /// Classifies one SSE event and adds what it carries to `tally`. Never throws.
  virtual EventKind Decode(const SseEvent& event, StreamTally& tally) = 0;
  /// How many bytes and text events DecodeWholeEvents took.
  struct WholeEvents {
    std::size_t bytes = 0;
    std::int64_t texts = 0;
  };
  /// The hot path's shortcut, for a framer at an event's start (SseParser::AtWholeEventStart):
  /// decodes the whole SSE events at the start of `bytes` that the decoder recognises without
  /// framing them first (a text chunk of the stream's usual shape), and stops at the first it
  /// does not. Each must count in `tally` exactly as Feed + Decode would count it (fuzz_chunk_shape
  /// checks that). The default recognises none.
  virtual WholeEvents DecodeWholeEvents(std::string_view bytes, StreamTally& tally);
  /// A response header; protocols that carry timings in headers (TGI x-*) read them here.
  virtual void OnHeader(std::string_view name, std::string_view value, StreamTally& tally) const;
};

/// Protocol names users write in scenario files.
inline constexpr std::string_view kOpenAiChat = "openai-chat";
inline constexpr std::string_view kOpenAiCompletions = "openai-completions";
inline constexpr std::string_view kTgi = "tgi";
inline constexpr std::string_view kTgiGenerate = "tgi-generate";
inline constexpr std::string_view kOllamaGenerate = "ollama-generate";
inline constexpr std::string_view kOllamaChat = "ollama-chat";
inline constexpr std::string_view kLlamaCppCompletion = "llamacpp-completion";
inline constexpr std::string_view kAnthropicMessages = "anthropic-messages";

/// The registered protocol names, for validation messages.
const std::vector<std::string>& ProtocolNames();

/// A new decoder for `name`; nullptr for an unknown name.
std::unique_ptr<Protocol> MakeProtocol(std::string_view name);

}  // namespace llmbench::protocol
