#include "http/sse_format.h"

#include <gtest/gtest.h>

namespace slipway::http {
namespace {

TEST(SseFormat, SingleLineEvent) {
  EXPECT_EQ(format_sse_event("log", "{\"a\":1}", "o=1,2"), "id: o=1,2\nevent: log\ndata: {\"a\":1}\n\n");
}

TEST(SseFormat, EachLineOfDataGetsItsOwnField) {
  EXPECT_EQ(format_sse_event("x", "one\ntwo\r\nthree"), "event: x\ndata: one\ndata: two\ndata: three\n\n");
}

TEST(SseFormat, EmptyDataStillMakesAnEvent) { EXPECT_EQ(format_sse_event("end", ""), "event: end\ndata: \n\n"); }

TEST(SseFormat, Comment) { EXPECT_EQ(format_sse_comment("ping"), ": ping\n\n"); }

TEST(LogCursor, RoundTrip) {
  std::vector<std::uint64_t> offsets{0, 12, 400000000000ULL};
  auto encoded = encode_log_cursor(offsets);
  EXPECT_EQ(encoded, "o=0,12,400000000000");
  EXPECT_EQ(decode_log_cursor(encoded), offsets);
}

TEST(LogCursor, RejectsGarbage) {
  EXPECT_FALSE(decode_log_cursor("12,4"));
  EXPECT_FALSE(decode_log_cursor("o=1,,2"));
  EXPECT_FALSE(decode_log_cursor("o=-1"));
  EXPECT_FALSE(decode_log_cursor("o=99999999999999999999999"));
  EXPECT_EQ(decode_log_cursor("o="), std::vector<std::uint64_t>{});
}

}  // namespace
}  // namespace slipway::http
