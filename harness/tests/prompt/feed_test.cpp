// PromptFeed: the same prompts as making them all at once, made a block ahead, dropped behind.
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "prompt/dataset.hpp"
#include "prompt/feed.hpp"

using namespace llmbench;

namespace {

scenario::PromptClass Class() {
  scenario::PromptClass cls;
  cls.name = "c";
  cls.input_tokens = 40;
  cls.input_stddev = 8;
  cls.output_tokens = 20;
  cls.output_stddev = 5;
  cls.shared_prefix_tokens = 10;
  return cls;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_feed_gives_the_prompts_of_one_call_in_order_and_holds_a_block_ahead_at_most) {
  constexpr std::int64_t kCount = 5000;
  const auto all = prompt::SynthesizePrompts(Class(), kCount, 11, 0xabc, /*with_code=*/true);
  prompt::PromptSource source(Class(), ".");
  prompt::PromptFeed feed = source.Feed(kCount, 11, 0xabc, true);
  BOOST_TEST(feed.size() == kCount);
  BOOST_TEST(feed.held() == 0);  // nothing made before it is asked for
  for (std::int64_t i = 0; i < kCount; ++i) {
    const prompt::Prompt& p = feed.At(i);
    BOOST_TEST_REQUIRE(p.text == all[static_cast<std::size_t>(i)].text);
    BOOST_TEST(p.code == all[static_cast<std::size_t>(i)].code);
    BOOST_TEST(p.max_tokens == all[static_cast<std::size_t>(i)].max_tokens);
    if (i >= 10) feed.ReleaseBelow(i - 10);  // ten in flight
    BOOST_TEST_REQUIRE(feed.held() <= prompt::PromptFeed::kBlock + 11);
  }
  BOOST_CHECK_THROW(feed.At(0), std::logic_error);  // released
  BOOST_CHECK_THROW(feed.At(kCount), std::logic_error);
  BOOST_CHECK_THROW(feed.At(-1), std::logic_error);
  // Released beyond what was made: the later prompts are still the call's own.
  prompt::PromptFeed skipping = source.Feed(kCount, 11, 0xabc, true);
  skipping.ReleaseBelow(3000);
  BOOST_TEST(skipping.At(3000).text == all[3000].text);
  BOOST_TEST(skipping.At(kCount - 1).text == all.back().text);
  // Over prompts made already: the same interface.
  prompt::PromptFeed made(std::vector<prompt::Prompt>(all.begin(), all.begin() + 3));
  BOOST_TEST(made.size() == 3);
  BOOST_TEST(made.At(2).text == all[2].text);
  made.ReleaseBelow(10);
  BOOST_TEST(made.held() == 0);
}
