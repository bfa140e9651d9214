// Tests of the Server-Sent Events parser: line ends, split input, fields, comments.
#include "cli/sse_reader.h"

#include <gtest/gtest.h>

namespace slipway::cli {
namespace {

TEST(SseReader, ParsesAnEventWithTypeIdAndData) {
  SseReader reader;
  auto events = reader.feed("id: o=12,0\nevent: log\ndata: {\"step\":1}\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], (SseEvent{"o=12,0", "log", "{\"step\":1}"}));
  EXPECT_EQ(reader.last_event_id(), "o=12,0");
}

TEST(SseReader, DefaultsTheTypeToMessage) {
  SseReader reader;
  auto events = reader.feed("data: hi\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, "message");
  EXPECT_EQ(events[0].data, "hi");
}

TEST(SseReader, JoinsMultiLineDataWithNewlines) {
  SseReader reader;
  auto events = reader.feed("data: first\ndata:second\ndata\ndata:  indented\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "first\nsecond\n\n indented");
}

TEST(SseReader, AcceptsCrLfAndBareCrLineEnds) {
  SseReader reader;
  auto events = reader.feed("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "a");
  EXPECT_EQ(events[0].data, "1");
  EXPECT_EQ(events[1].event, "b");
  EXPECT_EQ(events[1].data, "2");
}

TEST(SseReader, HandlesACrLfSplitBetweenFeeds) {
  SseReader reader;
  EXPECT_TRUE(reader.feed("data: 1\r").empty());
  EXPECT_TRUE(reader.feed("\n").empty());  // ends the same line, not an empty one
  auto events = reader.feed("\r\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "1");
}

TEST(SseReader, AssemblesEventsFedOneByteAtATime) {
  std::string stream = "id: 7\nevent: step\ndata: {\"a\":1}\n\n: ping\n\nevent: end\ndata: x\n\n";
  SseReader reader;
  std::vector<SseEvent> events;
  for (char c : stream) {
    for (auto& event : reader.feed(std::string_view(&c, 1))) events.push_back(event);
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (SseEvent{"7", "step", "{\"a\":1}"}));
  EXPECT_EQ(events[1], (SseEvent{"7", "end", "x"}));  // the id stays in force
}

TEST(SseReader, IgnoresCommentsAndUnknownFields) {
  SseReader reader;
  auto events = reader.feed(": ping\nfoo: bar\n:\ndata: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
}

TEST(SseReader, DoesNotDispatchEventsWithoutData) {
  SseReader reader;
  auto events = reader.feed("event: step\nid: 3\n\ndata: y\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event, "message");  // the type of the dataless event is forgotten
  EXPECT_EQ(events[0].id, "3");           // but its id is kept
}

TEST(SseReader, KeepsAnIncompleteEventUntilItsBlankLine) {
  SseReader reader;
  EXPECT_TRUE(reader.feed("event: log\ndata: part").empty());
  auto events = reader.feed("ial\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "partial");
}

TEST(SseReader, SkipsALeadingByteOrderMarkEvenWhenSplit) {
  SseReader reader;
  EXPECT_TRUE(reader.feed("\xEF\xBB").empty());
  auto events = reader.feed(
      "\xBF"
      "data: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
}

TEST(SseReader, EmptyIdResetsTheLastEventId) {
  SseReader reader;
  reader.feed("id: 5\ndata: a\n\n");
  auto events = reader.feed("id\ndata: b\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "");
}

TEST(SseReader, RemembersTheRetryDelay) {
  SseReader reader;
  reader.feed("retry: 2500\n\nretry: soon\n\n");
  ASSERT_TRUE(reader.retry_ms());
  EXPECT_EQ(*reader.retry_ms(), 2500);
}

}  // namespace
}  // namespace slipway::cli
