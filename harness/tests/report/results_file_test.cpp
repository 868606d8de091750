// The records.jsonl writer: records are written in batches on their own thread, every queued
// one is on disk before results.json is rewritten, and spent stamp buffers come back for reuse.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "report/results_file.hpp"

using namespace llmbench;
namespace fs = std::filesystem;

namespace {

std::size_t Lines(const fs::path& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    BOOST_TEST_REQUIRE(nlohmann::json::parse(line)["case"] == "s/e/c");  // every line whole
    ++n;
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(queued_records_are_on_disk_before_results_json_is_rewritten_and_buffers_come_back) {
  const fs::path dir = fs::temp_directory_path() / "llmbench-results-file-test";
  fs::remove_all(dir);
  scenario::Scenario s;
  s.name = "s";
  report::ResultsFile results(dir.string(), report::Provenance{}, s);
  const auto queue = [&](int count) {
    std::size_t reused = 0;
    for (int i = 0; i < count; ++i) {
      load::Record r;
      r.request_id = "r" + std::to_string(i);
      r.chunk_ns.assign(256, 1'000'000'000 + i);
      results.StreamRecord("s/e/c", 1, 1, r);
      BOOST_TEST_REQUIRE(r.chunk_ns.empty());  // moved to the queue; maybe a spare in its place
      reused += r.chunk_ns.capacity() >= 256;
    }
    return reused;
  };
  queue(10);                             // less than a batch
  results.SetHeaderField("clients", 1);  // a rewrite: waits for every queued record
  BOOST_TEST(Lines(dir / "records.jsonl") == 10u);
  BOOST_TEST(queue(10) == 10u);  // the 10 written records' buffers came back
  queue(1000);                   // many batches
  results.SetHeaderField("clients", 2);
  BOOST_TEST(Lines(dir / "records.jsonl") == 1020u);
  fs::remove_all(dir);
}
