// Tests for parse_duration().
#include "pipeline/duration.h"

#include <gtest/gtest.h>

namespace slipway::pipeline {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

std::string error_of(std::string_view text, ZeroDuration zero = ZeroDuration::rejected) {
  auto duration = parse_duration(text, zero);
  return duration ? "(no error)" : duration.error();
}

TEST(Duration, SingleUnits) {
  EXPECT_EQ(*parse_duration("500ms"), Milliseconds(500));
  EXPECT_EQ(*parse_duration("30s"), seconds(30));
  EXPECT_EQ(*parse_duration("10m"), minutes(10));
  EXPECT_EQ(*parse_duration("2h"), hours(2));
}

TEST(Duration, CombinedUnits) {
  EXPECT_EQ(*parse_duration("1h30m"), minutes(90));
  EXPECT_EQ(*parse_duration("1m30s"), seconds(90));
  EXPECT_EQ(*parse_duration("1h2m3s4ms"), hours(1) + minutes(2) + seconds(3) + Milliseconds(4));
  EXPECT_EQ(*parse_duration("  45s "), seconds(45));
}

TEST(Duration, BareNumberAsksForAUnit) {
  EXPECT_EQ(error_of("30"), "duration '30' has no unit; add one: ms, s, m or h (e.g. 30s)");
}

TEST(Duration, Zero) {
  EXPECT_EQ(error_of("0s"), "duration '0s' must be greater than zero");
  EXPECT_EQ(*parse_duration("0s", ZeroDuration::allowed), Milliseconds(0));
  EXPECT_EQ(*parse_duration("0ms", ZeroDuration::allowed), Milliseconds(0));
}

TEST(Duration, AtMostSevenDays) {
  EXPECT_EQ(*parse_duration("168h"), hours(168));
  EXPECT_EQ(error_of("169h"), "duration '169h' is too long (at most 7 days)");
  EXPECT_EQ(error_of("167h61m"), "duration '167h61m' is too long (at most 7 days)");
  EXPECT_EQ(error_of("99999999999999999999s"),
            "duration '99999999999999999999s' is too long (at most 7 days)");
}

TEST(Duration, Malformed) {
  const std::string hint = "use a number with a unit: ms, s, m or h (e.g. 30s, 10m, 1h30m)";
  EXPECT_EQ(error_of(""), "empty duration; " + hint);
  EXPECT_EQ(error_of("s"), "invalid duration 's': " + hint);
  EXPECT_EQ(error_of("-5s"), "invalid duration '-5s': " + hint);
  EXPECT_EQ(error_of("1h30"), "invalid duration '1h30': " + hint);
  EXPECT_EQ(error_of("1 h"), "invalid duration '1 h': " + hint);
  EXPECT_EQ(error_of("1.5m"), "invalid duration '1.5m': use whole numbers, e.g. 1m30s instead of 1.5m");
  EXPECT_EQ(error_of("2d"), "invalid duration '2d': unknown unit 'd'; " + hint);
  EXPECT_EQ(error_of("30m1h"), "invalid duration '30m1h': write each unit once, largest first (e.g. 1h30m)");
  EXPECT_EQ(error_of("1m1m"), "invalid duration '1m1m': write each unit once, largest first (e.g. 1h30m)");
}

}  // namespace
}  // namespace slipway::pipeline
