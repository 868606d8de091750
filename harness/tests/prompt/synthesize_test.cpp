// Prompt synthesis: no two prompts of a run share a prefix a server could cache (unless the class
// asks for one), the same seed gives the same work, and lengths hit their targets.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/token_estimate.hpp"
#include "prompt/synthesize.hpp"

using namespace llmbench;

namespace {

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::size_t CommonWords(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return static_cast<std::size_t>(std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first - a.begin());
}

std::size_t CommonChars(const std::string& a, const std::string& b) {
  return static_cast<std::size_t>(std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first - a.begin());
}

// Everything after the preamble (and the shared prefix, if any).
std::vector<std::string> Body(const std::string& text, std::int64_t prefix_words = 0) {
  auto w = Words(text);
  w.erase(w.begin(), w.begin() + prefix_words + prompt::kPreambleWords);
  return w;
}

scenario::PromptClass Class(std::int64_t input, std::int64_t stddev) {
  scenario::PromptClass c;
  c.name = "c";
  c.input_tokens = input;
  c.input_stddev = stddev;
  c.output_tokens = 64;
  c.output_stddev = 8;
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(synthesize)

BOOST_AUTO_TEST_CASE(prompts_of_one_call_share_no_prefix) {
  const auto prompts = prompt::SynthesizePrompts(Class(2048, 0), 200, 3, 0x3fa9c2e1);
  BOOST_TEST_REQUIRE(prompts.size() == 200u);
  std::vector<std::vector<std::string>> words;
  for (const auto& p : prompts) words.push_back(Words(p.text));
  std::size_t longest_chars = 0;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    for (std::size_t j = i + 1; j < prompts.size(); ++j) {
      BOOST_TEST_REQUIRE(CommonWords(words[i], words[j]) == 0u, i << " vs " << j);
      longest_chars = std::max(longest_chars, CommonChars(prompts[i].text, prompts[j].text));
    }
  }
  BOOST_TEST(longest_chars <= 2u);  // leading digits of the index ("10" of 100th and 101st)
  BOOST_TEST(prompts[17].text.starts_with("17th request of run 3fa9c2e1. "));
  BOOST_TEST(prompts[1].text.starts_with("1st "));
  BOOST_TEST(prompts[12].text.starts_with("12th "));
  BOOST_TEST(prompts[23].text.starts_with("23rd "));
}

BOOST_AUTO_TEST_CASE(same_seed_and_nonce_give_identical_prompts) {
  const auto a = prompt::SynthesizePrompts(Class(512, 100), 50, 9, 77);
  const auto b = prompt::SynthesizePrompts(Class(512, 100), 50, 9, 77);
  BOOST_TEST_REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].text == b[i].text);
    BOOST_TEST(a[i].input_tokens == b[i].input_tokens);
    BOOST_TEST(a[i].max_tokens == b[i].max_tokens);
  }
}

BOOST_AUTO_TEST_CASE(another_nonce_changes_only_the_preambles) {
  const auto a = prompt::SynthesizePrompts(Class(512, 100), 50, 9, 77);
  const auto b = prompt::SynthesizePrompts(Class(512, 100), 50, 9, 78);
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].text != b[i].text);
    BOOST_TEST((Body(a[i].text) == Body(b[i].text)));
    BOOST_TEST(a[i].input_tokens == b[i].input_tokens);
    BOOST_TEST(a[i].max_tokens == b[i].max_tokens);
    const auto wa = Words(a[i].text), wb = Words(b[i].text);
    BOOST_TEST(wa[prompt::kPreambleWords - 1] != wb[prompt::kPreambleWords - 1]);  // the nonce word
  }
  // Another seed: other bodies.
  const auto c = prompt::SynthesizePrompts(Class(512, 100), 50, 10, 77);
  int same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += Body(a[i].text) == Body(c[i].text);
  BOOST_TEST(same < 3);
}

BOOST_AUTO_TEST_CASE(a_shared_prefix_is_shared_exactly) {
  auto cls = Class(2048, 50);
  cls.shared_prefix_tokens = 100;
  const auto n = static_cast<std::size_t>(WordsForTokens(100));
  const auto prompts = prompt::SynthesizePrompts(cls, 100, 5, 1);
  const auto first = Words(prompts[0].text);
  for (std::size_t i = 1; i < prompts.size(); ++i) BOOST_TEST(CommonWords(first, Words(prompts[i].text)) == n, i);
  // The prefix depends on the seed only: another nonce keeps it, another seed moves it.
  const auto again = Words(prompt::SynthesizePrompts(cls, 1, 5, 2)[0].text);
  BOOST_TEST(std::equal(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(n), again.begin()));
  BOOST_TEST(CommonWords(first, Words(prompt::SynthesizePrompts(cls, 1, 6, 1)[0].text)) < n);
  // Without a prefix the per-prompt draws do not move: same lengths and bodies.
  const auto plain = prompt::SynthesizePrompts(Class(2048, 50), 100, 5, 1);
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    BOOST_TEST(plain[i].input_tokens == prompts[i].input_tokens);
    const auto body = Body(prompts[i].text, static_cast<std::int64_t>(n));
    const auto plain_body = Body(plain[i].text);
    BOOST_TEST(std::equal(body.begin(), body.end(), plain_body.begin()));
  }
}

BOOST_AUTO_TEST_CASE(zero_stddev_gives_one_length) {
  for (const std::int64_t prefix : {0, 300}) {
    auto cls = Class(1000, 0);
    cls.shared_prefix_tokens = prefix;
    const auto prompts = prompt::SynthesizePrompts(cls, 100, 8, 123456789);
    const auto tokens = EstimateTokens(prompts[0].text);
    for (const auto& p : prompts) BOOST_TEST_REQUIRE(EstimateTokens(p.text) == tokens);
  }
}

BOOST_AUTO_TEST_CASE(lengths_hit_the_target) {
  for (const std::int64_t prefix : {0, 100}) {
    for (const std::int64_t mean : {8, 9, 10, 33, 128, 2048}) {
      auto cls = Class(mean, mean / 4);
      cls.shared_prefix_tokens = std::min<std::int64_t>(prefix, mean - 1);
      for (const auto& p : prompt::SynthesizePrompts(cls, 200, static_cast<std::uint64_t>(mean), 0xffffffffffffffff)) {
        // Below the preamble's own length (7 tokens) the preamble is kept whole.
        if (p.input_tokens < 7) continue;
        const auto got = EstimateTokens(p.text);
        BOOST_TEST_REQUIRE(got >= p.input_tokens - 1, p.input_tokens << " → " << got);
        BOOST_TEST_REQUIRE(got <= p.input_tokens + 1, p.input_tokens << " → " << got);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(very_short_inputs_keep_the_preamble) {
  for (const std::int64_t input : {1, 2, 3, 6}) {
    auto cls = Class(input, 0);
    cls.shared_prefix_tokens = input > 1 ? input - 1 : 0;
    const auto prompts = prompt::SynthesizePrompts(cls, 10, 1, 42);
    BOOST_TEST_REQUIRE(prompts.size() == 10u);
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      BOOST_TEST(Words(prompts[i].text).size() == static_cast<std::size_t>(prompt::kPreambleWords));
      BOOST_TEST(prompts[i].text.ends_with(" request of run 2a."));
    }
  }
  BOOST_TEST(prompt::SynthesizePrompts(Class(100, 0), 0, 1, 1).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(resizing_the_body_keeps_prefix_preamble_and_first_word) {
  auto cls = Class(300, 40);
  cls.shared_prefix_tokens = 40;
  auto prompts = prompt::SynthesizePrompts(cls, 8, 11, 0xabc);
  const auto twins = prompt::SynthesizePrompts(cls, 8, 11, 0xabc);
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    prompt::Prompt& p = prompts[i];
    const std::string head = p.text.substr(0, p.body_offset);
    const auto body = Words(p.text.substr(p.body_offset));
    BOOST_TEST(static_cast<std::int64_t>(body.size()) == p.body_words);
    prompt::ResizeBody(p, p.body_words + 7);
    BOOST_TEST(p.text.substr(0, p.body_offset) == head);
    auto longer = Words(p.text.substr(p.body_offset));
    BOOST_TEST(longer.size() == body.size() + 7);
    BOOST_TEST(std::equal(body.begin(), body.end(), longer.begin()));  // grows at the end only
    prompt::ResizeBody(p, 3);
    BOOST_TEST(Words(p.text.substr(p.body_offset)).size() == 3u);
    BOOST_TEST(p.text.substr(0, p.body_offset) == head);
    prompt::ResizeBody(p, 0);  // the preamble alone, without a trailing space
    BOOST_TEST(p.text == head.substr(0, head.size() - 1));
    prompt::ResizeBody(p, -5);  // clamps
    BOOST_TEST(p.body_words == 0);
    prompt::ResizeBody(p, twins[i].body_words);  // back to where it was: the same prompt
    BOOST_TEST(p.text == twins[i].text);
    BOOST_TEST(p.input_tokens == twins[i].input_tokens);  // the target never moves
  }
}

BOOST_AUTO_TEST_CASE(prompts_with_a_code_ask_for_their_own_and_keep_their_length) {
  const auto cls = Class(200, 30);
  const auto plain = prompt::SynthesizePrompts(cls, 40, 5, 0xbeef);
  const auto coded = prompt::SynthesizePrompts(cls, 40, 5, 0xbeef, true);
  std::set<std::string> codes;
  for (std::size_t i = 0; i < coded.size(); ++i) {
    const auto& p = coded[i];
    BOOST_TEST(plain[i].code.empty());
    BOOST_TEST(p.text.find("Begin your reply with the code " + p.code + ".") != std::string::npos, p.text);
    BOOST_TEST(codes.insert(p.code).second, p.code);  // unique within the call
    for (const auto& other : codes) {
      if (other != p.code) BOOST_TEST(p.text.find(other + ".") == std::string::npos);  // no other's code
    }
    BOOST_TEST(std::abs(EstimateTokens(p.text) - p.input_tokens) <= 1, i);  // the instruction is in the budget
    BOOST_TEST(p.input_tokens == plain[i].input_tokens);
    BOOST_TEST(p.body_words == plain[i].body_words - prompt::kCodeWords);
  }
}
