// A protocol's request body cut once per target around the prompt and the token budget, so that a
// request start writes its body without building JSON: the load loop's hot path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocol/protocol.hpp"

namespace llmbench::protocol {

/// The body Protocol::BuildRequest gives for one target's requests, as fixed text with holes for
/// the prompt (a JSON string) and the token budget (an integer). Made from BuildRequest's own
/// output and kept only when filling it reproduces BuildRequest byte for byte on test requests
/// (escapes, control bytes, UTF-8, empty prompt), so a protocol whose body depends otherwise on
/// the prompt or the budget simply gets no template and keeps BuildRequest.
class BodyTemplate {
 public:
  /// The template for requests like `like` (its model, sampling, extra body: all but its prompt
  /// and max_tokens, which are ignored); null when `like` carries a conversation history or the
  /// body cannot be cut so.
  static std::unique_ptr<BodyTemplate> Make(const Protocol& protocol, const GenerationRequest& like);

  /// Writes the body for `prompt` and `max_tokens` into `out`, replacing its contents: no
  /// allocation once `out` has grown to the size. Throws as BuildRequest does on a prompt that
  /// is not UTF-8.
  void Fill(const std::string& prompt, std::int64_t max_tokens, std::string& out);

  ~BodyTemplate();

 private:
  BodyTemplate();
  static std::unique_ptr<BodyTemplate> Cut(const Protocol& protocol, const GenerationRequest& like);
  enum class Hole : std::uint8_t { None, Prompt, MaxTokens };
  struct Piece {
    std::string text;  ///< written as it is
    Hole then = Hole::None;
  };
  std::vector<Piece> pieces_;
  struct Escaper;
  std::unique_ptr<Escaper> escaper_;  ///< nlohmann's string escaper, bound to its own buffer
};

}  // namespace llmbench::protocol
