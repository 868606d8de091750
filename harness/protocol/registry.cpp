// Protocol name → decoder factory.
#include "protocol/openai.hpp"

namespace llmbench::protocol {

void Protocol::OnHeader(std::string_view, std::string_view, StreamTally&) const {}

Protocol::WholeEvents Protocol::DecodeWholeEvents(std::string_view, StreamTally&) { return {}; }

std::string Protocol::AuthHeader(std::string_view key) const { return "Authorization: Bearer " + std::string(key); }

const std::vector<std::string>& ProtocolNames() {
  static const std::vector<std::string> names{
      std::string(kOpenAiChat),         std::string(kOpenAiCompletions), std::string(kTgi),
      std::string(kTgiGenerate),        std::string(kOllamaGenerate),    std::string(kOllamaChat),
      std::string(kLlamaCppCompletion), std::string(kAnthropicMessages)};
  return names;
}

std::unique_ptr<Protocol> MakeProtocol(std::string_view name) {
  if (name == kOpenAiChat) return MakeOpenAiChat();
  if (name == kOpenAiCompletions) return MakeOpenAiCompletions();
  if (name == kTgi) return MakeTgi();
  if (name == kTgiGenerate) return MakeTgiGenerate();
  if (name == kOllamaGenerate) return MakeOllamaGenerate();
  if (name == kOllamaChat) return MakeOllamaChat();
  if (name == kLlamaCppCompletion) return MakeLlamaCppCompletion();
  if (name == kAnthropicMessages) return MakeAnthropicMessages();
  return nullptr;
}

}  // namespace llmbench::protocol
