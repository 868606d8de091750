// Correctness checks on answers: each request's own code, and the expect pattern.
#include <boost/test/unit_test.hpp>

#include "pipeline/check_answers.hpp"

namespace p = llmbench::pipeline;
using llmbench::load::ErrorKind;
using llmbench::load::Record;

namespace {

Record Answer(std::int64_t index, std::string text, ErrorKind error = ErrorKind::None) {
  Record r;
  r.index = index;
  r.output_text = std::move(text);
  r.error = error;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(crossover_needs_its_own_code_and_no_other) {
  llmbench::scenario::Checks checks;
  checks.crossover = true;
  const p::AnswerChecks answer_checks(checks);
  std::vector<llmbench::prompt::Prompt> prompts(4);
  for (std::size_t i = 0; i < prompts.size(); ++i) prompts[i].code = "K" + std::to_string(i) + "-00ab";
  prompts[3].code = "K13-00ab";  // a code that contains another's digits
  std::vector<Record> records{
      Answer(0, "K0-00ab the of model"),       // its own
      Answer(1, "K0-00ab the of model"),       // another's
      Answer(2, "the K2-00ab and K1-00ab"),    // its own and another's: mixed
      Answer(3, "K13-00ab the"),               // its own (K1-00ab is not in it)
      Answer(2, "nothing"),                    // no code at all
      Answer(1, "K1-00ab", ErrorKind::Stream)  // failed: not checked
  };
  const std::string first = answer_checks.Apply(prompts, records);
  BOOST_TEST(records[0].own_code == 1);
  BOOST_TEST(records[1].own_code == 0);
  BOOST_TEST(records[2].own_code == 0);
  BOOST_TEST(records[3].own_code == 1);
  BOOST_TEST(records[4].own_code == 0);
  BOOST_TEST(records[5].own_code == -1);
  BOOST_TEST(records[0].expect_matched == -1);  // no pattern: not checked
  for (const auto& r : records) BOOST_TEST(r.output_text.empty());  // dropped once checked
  BOOST_TEST(first == "crossover: request 1 answered \"K0-00ab the of model\" (another request's code; its code is "
                      "K1-00ab)",
             first);
}

BOOST_AUTO_TEST_CASE(expect_is_a_search_with_re2_syntax) {
  llmbench::scenario::Checks checks;
  checks.expect = "(?i)\\bparis\\b";
  const p::AnswerChecks answer_checks(checks);
  std::vector<llmbench::prompt::Prompt> prompts(3);
  std::vector<Record> records{Answer(0, "The capital is Paris."), Answer(1, "It is Lyon, or parisian?"),
                              Answer(2, std::string(20000, 'x') + " PARIS")};
  const std::string first = answer_checks.Apply(prompts, records);
  BOOST_TEST(records[0].expect_matched == 1);
  BOOST_TEST(records[1].expect_matched == 0);
  BOOST_TEST(records[2].expect_matched == 1);
  BOOST_TEST(records[0].own_code == -1);
  BOOST_TEST(first.find("expect: request 1 answered \"It is Lyon, or parisian?\", no match of /(?i)\\bparis\\b/") == 0,
             first);
}
