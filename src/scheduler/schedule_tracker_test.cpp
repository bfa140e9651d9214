#include "scheduler/schedule_tracker.h"

#include <gtest/gtest.h>

#include <chrono>

namespace slipway::scheduler {
namespace {

using namespace std::chrono;

// Milliseconds since the epoch of a UTC time on 2024-05-01.
store::TimeMs at(int hour, int minute, int second = 0) {
  auto day = sys_days(year(2024) / month(5) / std::chrono::day(1));
  return duration_cast<milliseconds>(sys_seconds(day).time_since_epoch()).count() +
         (hour * 3600 + minute * 60 + second) * 1000LL;
}

pipeline::Schedule schedule(const std::string& cron, const std::string& branch = "") {
  pipeline::Schedule s;
  s.cron = cron;
  s.expression = *pipeline::CronExpression::parse(cron);
  s.branch = branch;
  return s;
}

TEST(ScheduleTracker, FirstSightMarksWithoutFiring) {
  std::vector<pipeline::Schedule> schedules{schedule("* * * * *")};
  auto check = check_schedules(schedules, {}, at(10, 0, 30));
  EXPECT_TRUE(check.due.empty());
  EXPECT_TRUE(check.changed);
  EXPECT_EQ(check.marks, (std::map<std::string, store::TimeMs>{{"* * * * *|", at(10, 0, 30)}}));
}

TEST(ScheduleTracker, FiresOnceWhenTheTimeComes) {
  std::vector<pipeline::Schedule> schedules{schedule("0 3 * * *", "main")};
  std::map<std::string, store::TimeMs> marks{{"0 3 * * *|main", at(2, 0)}};
  auto before = check_schedules(schedules, marks, at(2, 59, 59));
  EXPECT_TRUE(before.due.empty());
  EXPECT_FALSE(before.changed);
  auto due = check_schedules(schedules, marks, at(3, 0, 4));
  ASSERT_EQ(due.due.size(), 1u);
  EXPECT_EQ(due.due[0]->branch, "main");
  EXPECT_EQ(due.marks.at("0 3 * * *|main"), at(3, 0, 4));
  // The next check with the new mark (also after a restart, read back from the store) does not fire again.
  auto again = check_schedules(schedules, due.marks, at(3, 0, 9));
  EXPECT_TRUE(again.due.empty());
  EXPECT_FALSE(again.changed);
}

TEST(ScheduleTracker, MissedTimesCollapseIntoOneRun) {
  std::vector<pipeline::Schedule> schedules{schedule("*/5 * * * *")};
  std::map<std::string, store::TimeMs> marks{{"*/5 * * * *|", at(1, 0)}};
  auto check = check_schedules(schedules, marks, at(9, 2));  // about a hundred times missed
  EXPECT_EQ(check.due.size(), 1u);
  EXPECT_EQ(check.marks.at("*/5 * * * *|"), at(9, 2));
  EXPECT_TRUE(check_schedules(schedules, check.marks, at(9, 4, 59)).due.empty());
  EXPECT_EQ(check_schedules(schedules, check.marks, at(9, 5)).due.size(), 1u);
}

TEST(ScheduleTracker, DropsMarksOfRemovedSchedulesAndFiresDuplicatesOnce) {
  std::vector<pipeline::Schedule> schedules{schedule("* * * * *"), schedule("* * * * *")};
  std::map<std::string, store::TimeMs> marks{{"* * * * *|", at(1, 0)}, {"0 0 * * *|old", at(0, 0)}};
  auto check = check_schedules(schedules, marks, at(1, 1));
  EXPECT_EQ(check.due.size(), 1u);
  EXPECT_EQ(check.marks.size(), 1u);
  EXPECT_TRUE(check.changed);
}

TEST(ScheduleTracker, BranchIsPartOfTheKey) {
  EXPECT_EQ(schedule_key(schedule("0 3 * * *", "dev")), "0 3 * * *|dev");
  EXPECT_NE(schedule_key(schedule("0 3 * * *", "dev")), schedule_key(schedule("0 3 * * *")));
}

}  // namespace
}  // namespace slipway::scheduler
