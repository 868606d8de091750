// SSE framing against hostile input: every split point, CRLF and CR line ends, comments,
// multi-line data, truncated streams.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "protocol/sse_parser.hpp"
#include "test_support.hpp"

using llmbench::protocol::SseEvent;
using llmbench::protocol::SseParser;
using llmbench::testing::ReadTestData;

namespace {

struct Ev {
  std::string event, data, id;
  bool operator==(const Ev&) const = default;
};

// Parses `stream` fed in the given pieces; returns events (Finish included).
std::vector<Ev> Parse(const std::vector<std::string_view>& pieces, bool* truncated = nullptr) {
  std::vector<Ev> out;
  SseParser parser;
  auto sink = [&](const SseEvent& e) { out.push_back({std::string(e.event), std::string(e.data), std::string(e.id)}); };
  for (auto p : pieces) parser.Feed(p, sink);
  const bool t = parser.Finish(sink);
  if (truncated) *truncated = t;
  return out;
}

std::vector<Ev> ParseWhole(std::string_view s) { return Parse({s}); }

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  std::string out;
  std::size_t pos = 0, hit;
  while ((hit = s.find(from, pos)) != std::string::npos) {
    out.append(s, pos, hit - pos).append(to);
    pos = hit + from.size();
  }
  return out.append(s, pos);
}

const char* const kStreams[] = {"vllm_chat.sse",
                                "cerebras_chat.sse",
                                "tgi_generate_stream.sse",
                                "openai_error_midstream.sse",
                                "llamacpp_chat.sse",
                                "llamacpp_error_field.sse",
                                "openai_bom_crlf.sse",
                                "openai_bare_data_lines.sse",
                                "llamacpp_done_no_line_end.sse"};

}  // namespace

BOOST_AUTO_TEST_CASE(recorded_stream_yields_each_data_line) {
  const auto events = ParseWhole(ReadTestData("streams/vllm_chat.sse"));
  BOOST_TEST_REQUIRE(events.size() == 6u);
  BOOST_TEST(events.back().data == "[DONE]");
  BOOST_TEST(events[1].data.find("\"Hello\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_single_split_point_gives_the_same_events) {
  for (const char* name : kStreams) {
    const std::string s = ReadTestData(std::string("streams/") + name);
    const auto expected = ParseWhole(s);
    BOOST_TEST_REQUIRE(!expected.empty());
    for (std::size_t cut = 0; cut <= s.size(); ++cut) {
      const std::string_view v(s);
      BOOST_TEST_REQUIRE((Parse({v.substr(0, cut), v.substr(cut)}) == expected), name << " cut " << cut);
    }
  }
}

BOOST_AUTO_TEST_CASE(byte_by_byte_and_every_pair_of_splits_in_crlf_stream) {
  const std::string s = Replace(ReadTestData("streams/tgi_generate_stream.sse"), "\n", "\r\n");
  const auto expected = ParseWhole(ReadTestData("streams/tgi_generate_stream.sse"));
  BOOST_TEST_REQUIRE(ParseWhole(s) == expected);
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < s.size(); ++i) bytes.push_back(std::string_view(s).substr(i, 1));
  BOOST_TEST(Parse(bytes) == expected);
  const std::string_view v(s);
  for (std::size_t a = 0; a <= s.size(); a += 3) {
    for (std::size_t b = a; b <= s.size(); ++b) {
      BOOST_TEST_REQUIRE((Parse({v.substr(0, a), v.substr(a, b - a), v.substr(b)}) == expected),
                         "cuts " << a << "," << b);
    }
  }
}

BOOST_AUTO_TEST_CASE(lone_cr_line_ends_split_between_cr_and_next_line) {
  const std::string s = "data: a\r\rdata: b\r\r";
  const std::vector<Ev> expected{{"", "a", ""}, {"", "b", ""}};
  for (std::size_t cut = 0; cut <= s.size(); ++cut) {
    BOOST_TEST((Parse({std::string_view(s).substr(0, cut), std::string_view(s).substr(cut)}) == expected));
  }
}

BOOST_AUTO_TEST_CASE(comments_are_counted_and_not_dispatched) {
  SseParser parser;
  int events = 0;
  parser.Feed(": ping\n\n:\n\ndata: x\n\n: ping\n\n", [&](const SseEvent&) { ++events; });
  BOOST_TEST(events == 1);
  BOOST_TEST(parser.comments() == 3);
}

BOOST_AUTO_TEST_CASE(multiline_data_and_event_type_and_id) {
  const auto events = ParseWhole("event: error\nid: 7\ndata: first\ndata:second\ndata\n\n");
  BOOST_TEST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].event == "error");
  BOOST_TEST(events[0].id == "7");
  BOOST_TEST(events[0].data == "first\nsecond\n");
}

BOOST_AUTO_TEST_CASE(event_type_resets_after_dispatch_and_after_blank_without_data) {
  const auto events = ParseWhole("event: a\n\ndata: 1\n\nevent: b\ndata: 2\n\ndata: 3\n\n");
  const std::vector<Ev> expected{{"", "1", ""}, {"b", "2", ""}, {"", "3", ""}};
  BOOST_TEST((events == expected));
}

BOOST_AUTO_TEST_CASE(an_event_with_empty_data_is_not_dispatched) {
  // A deliberate deviation from WHATWG (which dispatches data ""): nothing to decode, no event.
  BOOST_TEST(ParseWhole("data:\n\n").empty());
  BOOST_TEST(ParseWhole("data\n\n").empty());
  BOOST_TEST(ParseWhole("event: x\ndata\n\n").empty());
  const auto events = ParseWhole("data\n\ndata: 1\n\ndata\ndata\n\n");
  const std::vector<Ev> expected{{"", "1", ""}, {"", "\n", ""}};  // two empty lines join to "\n"
  BOOST_TEST((events == expected));
}

BOOST_AUTO_TEST_CASE(a_leading_byte_order_mark_is_skipped_even_split_across_feeds) {
  const std::string stream =
      "\xEF\xBB\xBF"
      "data: 1\n\ndata: 2\n\n";
  const std::vector<Ev> expected{{"", "1", ""}, {"", "2", ""}};
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const std::string_view s(stream);
    BOOST_TEST((Parse({s.substr(0, cut), s.substr(cut)}) == expected), "cut at " << cut);
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < stream.size(); ++i) bytes.push_back(std::string_view(stream).substr(i, 1));
  BOOST_TEST((Parse(bytes) == expected));
  // Only at the start, only a whole one: a partial mark is line content, a second one too.
  BOOST_TEST(ParseWhole("\xEF\xBB"
                        "data: 1\n\n")
                 .empty());  // field "\xEF\xBBdata" is unknown
  BOOST_TEST(ParseWhole("\xEF\xBB\xBF\xEF\xBB\xBF"
                        "data: 1\n\n")
                 .empty());
  SseParser parser;
  std::vector<std::string> data;
  auto sink = [&](const SseEvent& e) { data.emplace_back(e.data); };
  parser.Feed("\xEF\xBB", sink);
  parser.Finish(sink);  // a stream of two bytes: nothing, no crash
  parser.Reset();
  parser.Feed(
      "\xEF\xBB\xBF"
      "data: after reset\n\n",
      sink);
  BOOST_TEST(data == std::vector<std::string>{"after reset"});
}

BOOST_AUTO_TEST_CASE(an_error_field_line_becomes_an_error_event) {
  // Older llama.cpp servers: `error: {...}` then `data: [DONE]`; a WHATWG parser drops the error.
  auto events = ParseWhole("error: {\"message\":\"boom\"}\n\ndata: [DONE]\n\n");
  std::vector<Ev> expected{{"error", "{\"message\":\"boom\"}", ""}, {"", "[DONE]", ""}};
  BOOST_TEST((events == expected));
  events = ParseWhole("error:\n\n");  // even with nothing to say
  BOOST_TEST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].event == "error");
  events = ParseWhole("data: x\nerror: first\nerror: second\ndata: y\nevent: other\n\n");
  expected = {{"error", "first", ""}};  // the first error wins; data and type cannot hide it
  BOOST_TEST((events == expected));
  events = Parse({"data: x\n\nerror: at the close"});  // flushed at the end of the stream
  BOOST_TEST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[1].event == "error");
  BOOST_TEST(events[1].data == "at the close");
}

BOOST_AUTO_TEST_CASE(unknown_fields_and_retry_are_ignored) {
  const auto events = ParseWhole("retry: 100\nfoo: bar\nnocolon\ndata: x\n\n");
  BOOST_TEST_REQUIRE(events.size() == 1u);
  BOOST_TEST(events[0].data == "x");
}

BOOST_AUTO_TEST_CASE(missing_final_blank_line_is_flushed_and_flagged) {
  bool truncated = false;
  auto events = Parse({"data: a\n\ndata: b\n"}, &truncated);
  BOOST_TEST(events.size() == 2u);
  BOOST_TEST(truncated);
  events = Parse({"data: a\n\ndata: {\"par"}, &truncated);
  BOOST_TEST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[1].data == "{\"par");
  BOOST_TEST(truncated);
  Parse({"data: a\n\n"}, &truncated);
  BOOST_TEST(!truncated);
}

BOOST_AUTO_TEST_CASE(binary_garbage_does_not_crash) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  SseParser parser;
  std::size_t total = 0;
  for (std::size_t i = 0; i < garbage.size(); i += 61) {
    parser.Feed(std::string_view(garbage).substr(i, 61), [&](const SseEvent& e) { total += e.data.size(); });
  }
  parser.Finish([](const SseEvent&) {});
  BOOST_TEST(total < garbage.size());
}

// A "data:" line and its blank line whole in one read are dispatched from the read's bytes (the
// usual event); everything around that shortcut must frame as the line-by-line way does, which
// byte-by-byte feeding always takes.
BOOST_AUTO_TEST_CASE(an_event_whole_in_one_read_frames_as_byte_by_byte_feeding_does) {
  const std::string cases[] = {
      "data:x\n\n",
      "data: x\n\n",
      "data:  x\n\n",  // one space is the separator, the second is the value's
      "data: \n\n",
      "data:\n\n",
      "event: e\ndata: x\n\ndata: y\n\n",  // the type is the first event's only
      "id: 7\ndata: x\n\ndata: y\n\n",     // an id lasts
      "data: a\ndata: b\n\n",
      "data: a\r\n\r\ndata: b\r\rdata: c\n\r\n",
      "data: a\r\n\n",
      "error: {\"e\":1}\ndata: x\n\ndata: y\n\n",
      ": ping\ndata: x\n\n",
      "data: a\n\n\n\ndata: b\n\n",
      "dataX: a\n\ndata_: b\n\nDATA: c\n\n",
      std::string("data: a\0b\n\n", 11),
      "\xEF\xBB\xBF"
      "data: a\n\n",
      "data: a\n",
      "data: a\n\ndata: {\"cut",
      "event: only\n\ndata: x\n\n",
  };
  for (const std::string& s : cases) {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < s.size(); ++i) bytes.push_back(std::string_view(s).substr(i, 1));
    bool whole_truncated = false, bytes_truncated = false;
    const auto whole = Parse({s}, &whole_truncated);
    BOOST_TEST((whole == Parse(bytes, &bytes_truncated)), "case " << s);
    BOOST_TEST(whole_truncated == bytes_truncated, "case " << s);
  }
  const std::vector<Ev> expected{{"e", "x", ""}, {"", "y", ""}};
  BOOST_TEST((ParseWhole("event: e\ndata: x\n\ndata: y\n\n") == expected));
  BOOST_TEST((ParseWhole("id: 7\ndata: x\n\ndata:  y\n\n") == std::vector<Ev>{{"", "x", "7"}, {"", " y", "7"}}));
}
