// Where the tests find this checkout's files and the built binary. Defined in one small source
// that CMake generates (tests/CMakeLists.txt): as compile definitions these absolute paths would
// differ in every checkout and make every test file a ccache miss in CI's fresh clone.
#pragma once

namespace llmbench::testing {

extern const char kSourceDir[];       ///< the checkout
extern const char kTestDataDir[];     ///< harness/tests/data
extern const char kLlmbenchBinary[];  ///< the built llmbench

}  // namespace llmbench::testing
