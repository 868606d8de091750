// A stable 64-bit hash (FNV-1a): the same on every machine and compiler, unlike std::hash.
// Used where a value must not change across runs: seeds, shard labels, fingerprints.
#pragma once

#include <cstdint>
#include <string_view>

namespace llmbench {

constexpr std::uint64_t kFnv1aBasis = 1469598103934665603ULL;

constexpr std::uint64_t Fnv1a(std::string_view text, std::uint64_t hash = kFnv1aBasis) noexcept {
  for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return hash;
}

}  // namespace llmbench
