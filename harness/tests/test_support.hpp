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

/// A check of how fast or how exact the timing is (a latency bound, a measured rate, a stamp's
/// error). The release suite checks it. The sanitized suite (ASan + UBSan, 2-3x slower, on a
/// possibly busy runner) is there for memory and undefined behaviour: it logs the expression
/// instead, and keeps every check of correctness and causality (no chunk stamped before it was
/// sent, no request lost). BOOST_TEST must be in scope where this is used.
#define LLMBENCH_TIMING_TEST(...)                                                     \
  do {                                                                                \
    if (::llmbench::testing::kSanitized) {                                            \
      BOOST_TEST_MESSAGE("timing not checked in the sanitized build: " #__VA_ARGS__); \
    } else {                                                                          \
      BOOST_TEST(__VA_ARGS__);                                                        \
    }                                                                                 \
  } while (false)

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
