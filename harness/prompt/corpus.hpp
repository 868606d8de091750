// The bundled public-domain text prompts are made from (corpus.txt: the US Declaration of
// Independence, the Gettysburg Address, the US Constitution's preamble and the openings of
// Pride and Prejudice, Moby-Dick, A Tale of Two Cities and Alice in Wonderland).
#pragma once

#include <string_view>
#include <vector>

namespace llmbench::prompt {

/// The corpus split into whitespace-separated words, in order; built once.
const std::vector<std::string_view>& CorpusWords();

}  // namespace llmbench::prompt
