// The headless-browser test's module: skipped (exit 77, which CTest reports as skipped, with the
// reason printed) where Chromium is not installed; `ci/install-deps.sh --test` installs it.
#define BOOST_TEST_MODULE browser
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>

int main(int argc, char* argv[]) {
  if (!std::filesystem::exists("/usr/bin/chromium")) {
    std::puts("skipped: /usr/bin/chromium is not installed (ci/install-deps.sh --test installs Debian's chromium)");
    return 77;
  }
  return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
