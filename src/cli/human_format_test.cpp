// Tests of how times, durations, commits and outside text are shown.
#include "cli/human_format.h"

#include <gtest/gtest.h>

namespace slipway::cli {
namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

TEST(ParseTimestamp, ReadsTheApiFormat) {
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(parse_timestamp("1970-01-02T00:00:01.5Z"), kDay + 1500);
  EXPECT_EQ(parse_timestamp("2026-11-26T07:01:02.345Z"), 1795676462345);
  EXPECT_EQ(parse_timestamp("2026-11-26T07:01:02Z"), 1795676462000);
}

TEST(ParseTimestamp, RefusesOtherText) {
  EXPECT_EQ(parse_timestamp(""), std::nullopt);
  EXPECT_EQ(parse_timestamp("null"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-11-26 07:01:02Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-11-26T07:01:02+01:00"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-xx-26T07:01:02Z"), std::nullopt);
}

TEST(FormatDuration, PicksAUnitThatReadsWell) {
  EXPECT_EQ(format_duration(0), "0.0s");
  EXPECT_EQ(format_duration(1234), "1.2s");
  EXPECT_EQ(format_duration(59'999), "59.9s");
  EXPECT_EQ(format_duration(3 * kMinute + 4 * kSecond), "3m04s");
  EXPECT_EQ(format_duration(2 * kHour + 5 * kMinute + 59 * kSecond), "2h05m");
  EXPECT_EQ(format_duration(3 * kDay + 4 * kHour + 5 * kMinute), "3d04h");
  EXPECT_EQ(format_duration(-1), "-");
}

TEST(FormatAge, SaysHowLongAgo) {
  std::int64_t now = 1795676462345;
  EXPECT_EQ(format_age(now, now), "just now");
  EXPECT_EQ(format_age(now + 3 * kSecond, now), "just now");
  EXPECT_EQ(format_age(now - 42 * kSecond, now), "42s ago");
  EXPECT_EQ(format_age(now - 2 * kMinute - 30 * kSecond, now), "2m ago");
  EXPECT_EQ(format_age(now - 3 * kHour, now), "3h ago");
  EXPECT_EQ(format_age(now - 5 * kDay, now), "5d ago");
  EXPECT_EQ(format_age(now - 40 * kDay, now), "2026-10-17");
}

TEST(ShortCommit, KeepsSevenCharacters) {
  EXPECT_EQ(short_commit("3f2a9c1d0e5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f"), "3f2a9c1");
  EXPECT_EQ(short_commit("abc"), "abc");
}

TEST(Printable, NeutralisesControlCharacters) {
  EXPECT_EQ(printable("fix\x1b[2Jtabs\tand\nlines"), "fix?[2Jtabs?and?lines");
  EXPECT_EQ(printable("café ok"), "café ok");
}

}  // namespace
}  // namespace slipway::cli
