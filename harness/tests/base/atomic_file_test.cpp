// Files written whole, and a directory lock that makes another process wait.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/atomic_file.hpp"
#include "base/clock.hpp"

namespace fs = std::filesystem;

namespace {

fs::path FreshDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("llmbench-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_written_file_is_whole_and_leaves_no_temporary) {
  const fs::path dir = FreshDir("atomic");
  const std::string path = (dir / "a/b/c.json").string();
  llmbench::WriteFileAtomically(path, [](std::ostream& out) { out << "first\n"; });
  llmbench::WriteFileAtomically(path, [](std::ostream& out) { out << "second\n"; });
  BOOST_TEST(Slurp(path) == "second\n");
  BOOST_TEST(std::distance(fs::directory_iterator(dir / "a/b"), fs::directory_iterator()) == 1);
  fs::remove_all(dir);
}

// Another process holds the lock for 300 ms after saying so: taking it here must wait for the
// release (a busy machine only makes the wait longer).
BOOST_AUTO_TEST_CASE(a_directory_lock_waits_for_the_other_process) {
  const fs::path dir = FreshDir("lock");
  int ready[2];
  BOOST_TEST_REQUIRE(pipe(ready) == 0);
  const pid_t child = fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    {
      const llmbench::DirectoryLock lock(dir.string());
      const char c = 'x';
      (void)!write(ready[1], &c, 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    _exit(0);
  }
  char c = 0;
  BOOST_TEST_REQUIRE(read(ready[0], &c, 1) == 1);
  const std::int64_t t0 = llmbench::NowNs();
  {
    const llmbench::DirectoryLock lock(dir.string());
    BOOST_TEST(llmbench::NowNs() - t0 >= 250'000'000, "took the lock while the other process held it");
  }
  int status = 0;
  waitpid(child, &status, 0);
  close(ready[0]);
  close(ready[1]);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_directory_that_cannot_be_made_is_a_write_error) {
  BOOST_CHECK_THROW(llmbench::DirectoryLock("/proc/llmbench-no/such"), llmbench::WriteError);
}
