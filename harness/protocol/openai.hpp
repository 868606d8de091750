// Factories for the wire protocols, and the request-body helper they share.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>

#include "protocol/protocol.hpp"

namespace llmbench::protocol {

std::unique_ptr<Protocol> MakeOpenAiChat();
std::unique_ptr<Protocol> MakeOpenAiCompletions();
std::unique_ptr<Protocol> MakeTgi();
std::unique_ptr<Protocol> MakeTgiGenerate();
std::unique_ptr<Protocol> MakeOllamaGenerate();
std::unique_ptr<Protocol> MakeOllamaChat();
std::unique_ptr<Protocol> MakeLlamaCppCompletion();
std::unique_ptr<Protocol> MakeAnthropicMessages();

/// Applies the engine's `extra_body` (a JSON object, validated at scenario load) as an RFC 7396
/// merge patch, so users can set or remove any field the server understands.
void MergeExtraBody(const std::string& extra_body_json, nlohmann::json& body);

/// Puts the request's sampling parameters that are set into `into` under the names every
/// supported engine uses (temperature, top_p, top_k, seed); `seed` only where the API has one.
void PutSampling(const GenerationRequest& r, nlohmann::json& into, bool with_seed = true);

/// The request's chat messages: its history's turns, then the prompt as the last user message.
nlohmann::json ChatMessages(const GenerationRequest& r);

/// The request as one text for completion APIs: the prompt alone without history, else the
/// conversation as "User: …\nAssistant: …" lines ending with "Assistant:" for the answer.
std::string FlatPrompt(const GenerationRequest& r);

}  // namespace llmbench::protocol
