// Prompts from files: every entry shape, bounds, hostile lines with their line numbers, and the
// sampling (seeded, every entry once before any repeats, each prompt opened by its own preamble).
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/diagnostic.hpp"
#include "base/token_estimate.hpp"
#include "prompt/dataset.hpp"

using namespace llmbench;
using namespace llmbench::prompt;

namespace {

struct TempFile {
  explicit TempFile(const std::string& text)
      : path((std::filesystem::temp_directory_path() /
              ("llmbench-dataset-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".jsonl"))
                 .string()) {
    std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
  std::string path;
  static inline int counter = 0;
};

scenario::PromptClass Class(std::string field = "", std::int64_t min = 0, std::int64_t max = 0) {
  scenario::PromptClass c;
  c.name = "d";
  c.dataset = "x.jsonl";
  c.dataset_field = std::move(field);
  c.min_input_tokens = min;
  c.max_input_tokens = max;
  c.output_tokens = 16;
  return c;
}

Diagnostic OnlyError(const std::string& text, const scenario::PromptClass& cls) {
  TempFile f(text);
  try {
    LoadDataset(f.path, cls);
  } catch (const InputError& e) {
    BOOST_TEST_REQUIRE(e.diagnostics().size() == 1u);
    return e.diagnostics()[0];
  }
  BOOST_FAIL("no error for: " + text);
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_entry_shape_is_read_and_blank_lines_are_nothing) {
  TempFile f(
      "{\"text\": \"plain text prompt\"}\n"
      "\n"
      "{\"prompt\": \"a completion prompt\"}\r\n"
      "{\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": \"hi "
      "there\"}]}\n"
      "{\"id\": 7, \"conversations\": [{\"from\": \"human\", \"value\": \"what is a wörd\"}, {\"from\": \"gpt\", "
      "\"value\": \"an answer\"}]}");  // no final newline
  const Dataset d = LoadDataset(f.path, Class());
  BOOST_TEST(d.entries == 4);
  BOOST_TEST(
      (d.texts == std::vector<std::string>{"plain text prompt", "a completion prompt", "hi there", "what is a wörd"}));
  BOOST_TEST(d.content_hash != 0u);

  TempFile array(R"([{"conversations": [{"from": "human", "value": "first"}]}, {"text": "second"}])");
  BOOST_TEST(LoadDataset(array.path, Class()).texts.size() == 2u);
}

BOOST_AUTO_TEST_CASE(bounds_leave_entries_out_and_say_so_when_none_is_left) {
  // 1, 3, 4 and 21 estimated tokens (4/3 per word, rounded).
  TempFile f(
      "{\"text\": \"x\"}\n{\"text\": \"one two\"}\n{\"text\": \"one two three\"}\n"
      "{\"text\": \"a b c d e f g h i j k l m n o p\"}\n");
  const Dataset d = LoadDataset(f.path, Class("", 3, 10));
  BOOST_TEST(d.entries == 4);
  BOOST_TEST(d.out_of_bounds == 2);
  BOOST_TEST((d.texts == std::vector<std::string>{"one two", "one two three"}));
  const auto e = OnlyError("{\"text\": \"tiny\"}\n", Class("", 100, 0));
  BOOST_TEST(e.message.find("no prompt left: 1 entries, 1 outside") != std::string::npos, e.message);
}

BOOST_AUTO_TEST_CASE(bad_entries_name_their_line) {
  auto e = OnlyError("{\"text\": \"ok\"}\n{\"text\": \"ok\"}\n{\"text\": broken}\n", Class());
  BOOST_TEST(e.line == 3);
  BOOST_TEST(e.message == "not a JSON value");
  e = OnlyError("{\"text\": \"ok\"}\n{\"body\": \"x\"}\n", Class());
  BOOST_TEST(e.line == 2);
  BOOST_TEST(e.message.find("none of the fields") != std::string::npos, e.message);
  e = OnlyError("{\"text\": 42}\n", Class());
  BOOST_TEST(e.message == "'text' is not a string");
  e = OnlyError("{\"text\": \"x\"}\n", Class("messages"));
  BOOST_TEST(e.message.find("no 'messages' field") != std::string::npos, e.message);
  e = OnlyError("{\"messages\": [{\"role\": \"assistant\", \"content\": \"x\"}]}\n", Class());
  BOOST_TEST(e.message.find("no user turn") != std::string::npos, e.message);
  e = OnlyError("[1, 2", Class());
  BOOST_TEST(e.message.find("not one JSON array") != std::string::npos, e.message);
  e = OnlyError("\"just a string\"\n", Class());
  BOOST_TEST(e.message == "not a JSON object");
  e = OnlyError("{\"text\": \"\"}\n", Class());
  BOOST_TEST(e.message == "an empty prompt");
  // Not a file at all.
  try {
    LoadDataset(std::filesystem::temp_directory_path().string(), Class());
    BOOST_FAIL("a directory loaded");
  } catch (const InputError& error) {
    BOOST_TEST(std::string(error.what()).find("is a directory") != std::string::npos, error.what());
  }
}

BOOST_AUTO_TEST_CASE(sampling_is_seeded_covers_every_entry_and_keeps_prompts_unique) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += "{\"text\": \"entry number " + std::to_string(i) + " of the file\"}\n";
  TempFile f(text);
  const Dataset d = LoadDataset(f.path, Class());
  auto cls = Class();
  cls.output_stddev = 0;
  const auto a = SampleDataset(d, cls, 25, 7, 0xabc, false);
  const auto b = SampleDataset(d, cls, 25, 7, 0xabc, false);
  const auto c = SampleDataset(d, cls, 25, 8, 0xabc, false);
  BOOST_TEST_REQUIRE(a.size() == 25u);
  std::set<std::string> first_ten, all;
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].text == b[i].text);
    differs |= a[i].text != c[i].text;
    BOOST_TEST(a[i].max_tokens == 16);
    BOOST_TEST(a[i].input_tokens == EstimateTokens(a[i].text));
    const std::string entry = a[i].text.substr(a[i].body_offset);
    if (i < 10) first_ten.insert(entry);
    BOOST_TEST(all.insert(a[i].text).second);                 // the preamble makes every prompt unique
    BOOST_TEST(a[i].text.rfind(std::to_string(i), 0) == 0u);  // it opens the prompt
  }
  BOOST_TEST(first_ten.size() == 10u);  // every entry once before any repeats
  BOOST_TEST(differs);
  const auto coded = SampleDataset(d, cls, 3, 7, 0xabc, true);
  BOOST_TEST(coded[1].text.find("Begin your reply with the code " + coded[1].code + ".") != std::string::npos);
}
