#include "protocol/identity.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace llmbench::protocol {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "13.6M", "1.2G": counts for people.
std::string Count(double v) {
  if (v >= 1e9) return fmt::format("{:.1f}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.1f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:g}", v);
}

// The entry of a list named like the wanted model ("llama3.2" matches "llama3.2:latest"), or the
// only entry.
const json* Pick(const json& list, std::string_view wanted, const char* key) {
  if (!list.is_array() || list.empty()) return nullptr;
  for (const auto& e : list) {
    const std::string id = e.is_object() ? Str(e, key) : "";
    if (!id.empty() && (id == wanted || id == std::string(wanted) + ":latest")) return &e;
  }
  return list.size() == 1 && list.front().is_object() ? &list.front() : nullptr;
}

void FromModels(const json& j, std::string_view wanted, EngineIdentity& id) {
  const json list = j.value("data", json::array());  // a copy: Pick points into it
  const json* m = Pick(list, wanted, "id");
  if (m == nullptr) return;
  std::string model = Str(*m, "id");
  if (const auto meta = m->find("meta"); meta != m->end() && meta->is_object()) {  // llama.cpp
    std::vector<std::string> parts;
    if (meta->contains("n_params") && (*meta)["n_params"].is_number())
      parts.push_back("n_params " + Count((*meta)["n_params"].get<double>()));
    if (meta->contains("size") && (*meta)["size"].is_number())
      parts.push_back(fmt::format("{:.1f} MB", (*meta)["size"].get<double>() / 1e6));
    if (meta->contains("n_vocab") && (*meta)["n_vocab"].is_number())
      parts.push_back(fmt::format("n_vocab {}", (*meta)["n_vocab"].get<std::int64_t>()));
    if (!parts.empty()) model += fmt::format(" ({})", fmt::join(parts, ", "));
  }
  if (const std::string root = Str(*m, "root"); !root.empty() && root != Str(*m, "id")) {
    model += " root " + root;  // vLLM: the weights behind a served name
  }
  if (id.model.empty()) id.model = model;
  const std::string owner = Str(*m, "owned_by");
  if (id.engine.empty()) {
    if (owner == "llamacpp")
      id.engine = "llama.cpp";
    else if (owner == "vllm")
      id.engine = "vLLM";
    else if (owner == "sglang")
      id.engine = "SGLang";
    else if (owner == "llmbench")
      id.engine = "llmbench simulator";
    else if (owner == "library" || owner == "ollama")
      id.engine = "Ollama";
  }
}

}  // namespace

const std::vector<std::string>& IdentityPaths() {
  static const std::vector<std::string> paths{"/v1/models", "/props", "/version", "/info", "/api/version", "/api/tags"};
  return paths;
}

void ReadIdentity(std::string_view path, std::string_view body, std::string_view wanted, EngineIdentity& id) {
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  const std::size_t before = id.model.size() + id.engine.size() + id.version.size();
  if (path == "/v1/models") {
    FromModels(j, wanted, id);
  } else if (path == "/props") {  // llama.cpp: model_path, build_info "b4754-c392e509"
    if (const std::string build = Str(j, "build_info"); !build.empty()) {
      id.engine = "llama.cpp";
      id.version = build;
    }
    if (const std::string model_path = Str(j, "model_path"); !model_path.empty() && id.model.empty()) {
      id.model = model_path;
    }
  } else if (path == "/version") {  // vLLM (and others): {"version": "0.6.3"}
    if (const std::string v = Str(j, "version"); !v.empty() && id.version.empty()) id.version = v;
  } else if (path == "/info") {  // TGI: model_id, model_sha, version
    if (const std::string model = Str(j, "model_id"); !model.empty()) {
      id.engine = "TGI";
      const std::string sha = Str(j, "model_sha");
      id.model = sha.empty() ? model : fmt::format("{} @ {}", model, sha.substr(0, 12));
      if (const std::string v = Str(j, "version"); !v.empty()) id.version = v;
    }
  } else if (path == "/api/version") {  // Ollama
    if (const std::string v = Str(j, "version"); !v.empty()) {
      id.engine = "Ollama";
      id.version = v;
    }
  } else if (path == "/api/tags") {  // Ollama: the local models with their digests
    const json models = j.value("models", json::array());
    if (const json* m = Pick(models, wanted, "name")) {
      const std::string digest = Str(*m, "digest");
      id.model = Str(*m, "name") + (digest.empty() ? "" : " digest " + digest.substr(0, 12));
      id.engine = "Ollama";
    }
  }
  if (id.model.size() + id.engine.size() + id.version.size() != before) id.sources.emplace_back(path);
}

}  // namespace llmbench::protocol
