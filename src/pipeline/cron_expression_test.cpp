#include "pipeline/cron_expression.h"

#include <gtest/gtest.h>

#include <chrono>

namespace slipway::pipeline {
namespace {

using namespace std::chrono;

// Seconds since the epoch of a UTC date and time.
std::int64_t at(int y, unsigned m, unsigned d, int hour = 0, int minute = 0) {
  return sys_seconds(sys_days(year(y) / month(m) / day(d))).time_since_epoch().count() + hour * 3600 +
         minute * 60;
}

std::int64_t next(const std::string& text, std::int64_t after) {
  auto cron = CronExpression::parse(text);
  EXPECT_TRUE(cron) << text << ": " << cron.error();
  if (!cron) return -1;
  auto result = cron->next_after(after);
  EXPECT_TRUE(result) << text;
  return result.value_or(-1);
}

std::string error_of(const std::string& text) {
  auto cron = CronExpression::parse(text);
  return cron ? "" : cron.error();
}

TEST(CronExpression, EveryMinuteIsTheNextWholeMinute) {
  EXPECT_EQ(next("* * * * *", at(2024, 5, 1, 10, 0)), at(2024, 5, 1, 10, 1));
  EXPECT_EQ(next("* * * * *", at(2024, 5, 1, 10, 0) + 59), at(2024, 5, 1, 10, 1));
  EXPECT_EQ(next("* * * * *", at(2024, 5, 1, 10, 0) + 1), at(2024, 5, 1, 10, 1));
}

TEST(CronExpression, NextIsStrictlyAfter) {
  EXPECT_EQ(next("0 3 * * *", at(2024, 5, 1, 3, 0)), at(2024, 5, 2, 3, 0));
  EXPECT_EQ(next("0 3 * * *", at(2024, 5, 1, 2, 59)), at(2024, 5, 1, 3, 0));
}

TEST(CronExpression, ListsRangesAndSteps) {
  EXPECT_EQ(next("*/15 * * * *", at(2024, 5, 1, 10, 1)), at(2024, 5, 1, 10, 15));
  EXPECT_EQ(next("*/15 * * * *", at(2024, 5, 1, 10, 45)), at(2024, 5, 1, 11, 0));
  EXPECT_EQ(next("1-30/5 * * * *", at(2024, 5, 1, 10, 26)), at(2024, 5, 1, 11, 1));
  EXPECT_EQ(next("1-30/5 * * * *", at(2024, 5, 1, 10, 11)), at(2024, 5, 1, 10, 16));
  EXPECT_EQ(next("5,10 9-17 * * *", at(2024, 5, 1, 17, 10)), at(2024, 5, 2, 9, 5));
  EXPECT_EQ(next("50/5 * * * *", at(2024, 5, 1, 10, 56)), at(2024, 5, 1, 11, 50));
}

TEST(CronExpression, MonthAndWeekdayNames) {
  // 2024-05-01 is a Wednesday.
  EXPECT_EQ(next("0 8 * * MON-FRI", at(2024, 5, 3, 9, 0)), at(2024, 5, 6, 8, 0));
  EXPECT_EQ(next("0 0 1 jan *", at(2024, 5, 1)), at(2025, 1, 1));
  EXPECT_EQ(next("0 0 * * 7", at(2024, 5, 1)), at(2024, 5, 5));  // 7 is Sunday too
  EXPECT_EQ(next("0 0 * * sun", at(2024, 5, 1)), at(2024, 5, 5));
}

TEST(CronExpression, BothDayFieldsRestrictedMatchEither) {
  // The 15th, or any Monday: from Wed 2024-05-01, Monday the 6th comes first.
  EXPECT_EQ(next("0 0 15 * 1", at(2024, 5, 1)), at(2024, 5, 6));
  EXPECT_EQ(next("0 0 15 * 1", at(2024, 5, 13, 1)), at(2024, 5, 15));
}

TEST(CronExpression, OneStarredDayFieldMeansBothMustMatch) {
  EXPECT_EQ(next("0 0 */2 * 1", at(2024, 5, 1)), at(2024, 5, 13));  // odd days that are Mondays
  EXPECT_EQ(next("0 0 13 * *", at(2024, 5, 1)), at(2024, 5, 13));
  EXPECT_EQ(next("0 0 * * 1", at(2024, 5, 1)), at(2024, 5, 6));
}

TEST(CronExpression, MonthEndsAreSkipped) {
  EXPECT_EQ(next("0 0 31 * *", at(2024, 4, 1)), at(2024, 5, 31));
  EXPECT_EQ(next("0 0 31 * *", at(2024, 5, 31)), at(2024, 7, 31));
  EXPECT_EQ(next("0 0 30 * *", at(2023, 1, 31)), at(2023, 3, 30));
  EXPECT_EQ(next("59 23 31 12 *", at(2024, 12, 31, 23, 58)), at(2024, 12, 31, 23, 59));
  EXPECT_EQ(next("* * * * *", at(2024, 12, 31, 23, 59)), at(2025, 1, 1));
}

TEST(CronExpression, LeapDays) {
  EXPECT_EQ(next("0 0 29 2 *", at(2024, 3, 1)), at(2028, 2, 29));
  EXPECT_EQ(next("0 0 29 2 *", at(2023, 1, 1)), at(2024, 2, 29));
  // 2100 is not a leap year: eight years between 2096 and 2104.
  EXPECT_EQ(next("0 0 29 2 *", at(2096, 3, 1)), at(2104, 2, 29));
}

TEST(CronExpression, Macros) {
  EXPECT_EQ(next("@daily", at(2024, 5, 1, 10)), at(2024, 5, 2));
  EXPECT_EQ(next("@hourly", at(2024, 5, 1, 10, 30)), at(2024, 5, 1, 11));
  EXPECT_EQ(next("@weekly", at(2024, 5, 1)), at(2024, 5, 5));
  EXPECT_EQ(next("@monthly", at(2024, 5, 1)), at(2024, 6, 1));
  EXPECT_EQ(next("@yearly", at(2024, 5, 1)), at(2025, 1, 1));
}

TEST(CronExpression, MatchesIgnoresSeconds) {
  auto cron = CronExpression::parse("30 4 * * *");
  ASSERT_TRUE(cron);
  EXPECT_TRUE(cron->matches(at(2024, 5, 1, 4, 30) + 42));
  EXPECT_FALSE(cron->matches(at(2024, 5, 1, 4, 31)));
}

TEST(CronExpression, ErrorsSayWhichFieldAndWhy) {
  EXPECT_EQ(error_of("* * * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  EXPECT_EQ(error_of("* * * * * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
  EXPECT_EQ(error_of("60 * * * *"), "minute field '60': 60 is out of range 0-59");
  EXPECT_EQ(error_of("* 24 * * *"), "hour field '24': 24 is out of range 0-23");
  EXPECT_EQ(error_of("* * 0 * *"), "day of month field '0': 0 is out of range 1-31");
  EXPECT_EQ(error_of("* * * 13 *"), "month field '13': 13 is out of range 1-12");
  EXPECT_EQ(error_of("* * * * 8"), "day of week field '8': 8 is out of range 0-7");
  EXPECT_EQ(error_of("* * * foo *"), "month field 'foo': 'foo' is not a number or a name");
  EXPECT_EQ(error_of("x * * * *"), "minute field 'x': 'x' is not a number");
  EXPECT_EQ(error_of("*/0 * * * *"), "minute field '*/0': step '0' must be a number from 1 to 59");
  EXPECT_EQ(error_of("5-1 * * * *"), "minute field '5-1': range '5-1' goes backwards");
  EXPECT_EQ(error_of("1,,2 * * * *"), "minute field '1,,2': empty list item");
  EXPECT_EQ(error_of("-1 * * * *"), "minute field '-1': '' is not a number");
  EXPECT_EQ(error_of("0 0 30 2 *"), "the expression never matches a date");
  EXPECT_EQ(
      error_of("@often"),
      "unknown macro '@often'; known: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually");
  EXPECT_EQ(error_of(""), "expected 5 fields (minute hour day-of-month month day-of-week), got 0");
}

TEST(CronExpression, NeverMatchingDayOnlyWithWeekdayIsFine) {
  // Feb 30 never exists, but "or a Monday in February" does.
  EXPECT_EQ(next("0 0 30 2 1", at(2024, 5, 1)), at(2025, 2, 3));
}

}  // namespace
}  // namespace slipway::pipeline
