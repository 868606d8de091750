// Helpers shared by the unit tests: test data lookup.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "test_paths.hpp"

namespace llmbench::testing {

/// Built with AddressSanitizer (-DLLMBENCH_SANITIZE=ON): everything runs about twice as slow, so
/// the harness rightly sees a busy runner; checks of timing verdicts need a normal build.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

/// Contents of harness/tests/data/<relative>.
inline std::string ReadTestData(const std::string& relative) {
  const std::string path = std::string(kTestDataDir) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data: " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string DataPath(const std::string& relative) { return std::string(kTestDataDir) + "/" + relative; }

}  // namespace llmbench::testing
