// Tests of how times are shown.
#include "util/clock.h"

#include <gtest/gtest.h>

namespace slipway::util {
namespace {

TEST(FormatRfc3339, FormatsKnownInstantsInUtc) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(format_rfc3339(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(4102444799999), "2099-12-31T23:59:59.999Z");
}

TEST(FormatRfc3339, PadsMilliseconds) {
  EXPECT_EQ(format_rfc3339(1005), "1970-01-01T00:00:01.005Z");
  EXPECT_EQ(format_rfc3339(60050), "1970-01-01T00:01:00.050Z");
}

TEST(NowMs, IsAfterThisTestWasWritten) {
  EXPECT_GT(now_ms(), 1700000000000);  // not a timing assertion: a sanity check of the unit
}

}  // namespace
}  // namespace slipway::util
