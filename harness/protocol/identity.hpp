// What an engine says it is: the model it serves, its name and version, read from the
// endpoints engines expose for it. Swapping the model behind the same URL must not compare
// silently against the old baseline, so the model part goes into the case's fingerprint.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmbench::protocol {

struct EngineIdentity {
  std::string model;    ///< the served model as reported ("tiny.gguf (n_params 13.6M, 27.4 MB)"); "" = unknown
  std::string engine;   ///< "llama.cpp", "vLLM", "TGI", "Ollama", "llmbench simulator"; "" = unknown
  std::string version;  ///< as the engine reports it; "" = unknown
  std::vector<std::string> sources;  ///< the endpoints that answered, in order
  bool empty() const { return model.empty() && engine.empty() && version.empty(); }
};

/// The GET endpoints (relative to the engine's base URL) that identify an engine, in the order
/// they are asked: OpenAI /v1/models, llama.cpp /props, vLLM /version, TGI /info, Ollama
/// /api/version and /api/tags. A server answers some and 404s the rest.
const std::vector<std::string>& IdentityPaths();

/// Adds what the body of a 200 answer from `path` says to `identity`. `wanted_model` is the model
/// the scenario asks for (picks the entry of a list that holds several). Never throws: a body that
/// is not the expected JSON adds nothing.
void ReadIdentity(std::string_view path, std::string_view body, std::string_view wanted_model,
                  EngineIdentity& identity);

}  // namespace llmbench::protocol
