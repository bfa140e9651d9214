// Tests for `on:` in slipway.yml (trigger_validation.cpp); the cron syntax itself is tested in
// cron_expression_test.cpp.
#include <gtest/gtest.h>

#include <string>

#include "pipeline/pipeline_file.h"

namespace slipway::pipeline {
namespace {

std::string errors(std::string_view text) {
  auto pipeline = parse_pipeline(text);
  return pipeline ? "(no error)" : pipeline.error();
}

TEST(TriggerValidation, SchedulesWithAndWithoutBranch) {
  auto pipeline = parse_pipeline(
      "steps: {a: {run: x}}\n"
      "on:\n"
      "  schedule:\n"
      "    - cron: \"0 3 * * *\"\n"
      "    - {cron: \"*/15 9-17 * * mon-fri\", branch: release/1.x}\n");
  ASSERT_TRUE(pipeline) << pipeline.error();
  ASSERT_EQ(pipeline->schedules.size(), 2u);
  EXPECT_EQ(pipeline->schedules[0].cron, "0 3 * * *");
  EXPECT_EQ(pipeline->schedules[0].branch, "");
  EXPECT_EQ(pipeline->schedules[0].line, 4);
  EXPECT_EQ(pipeline->schedules[1].cron, "*/15 9-17 * * mon-fri");
  EXPECT_EQ(pipeline->schedules[1].branch, "release/1.x");
  EXPECT_TRUE(pipeline->schedules[0].expression.matches(3 * 3600));
}

TEST(TriggerValidation, NoOnMeansNoSchedules) {
  auto pipeline = parse_pipeline("steps: {a: {run: x}}\n");
  ASSERT_TRUE(pipeline);
  EXPECT_TRUE(pipeline->schedules.empty());
}

TEST(TriggerValidation, InvalidCronPointsAtTheValue) {
  EXPECT_EQ(
      errors("steps: {a: {run: x}}\non:\n  schedule:\n    - cron: \"61 * * * *\"\n"),
      "slipway.yml:4:13: invalid cron expression '61 * * * *': minute field '61': 61 is out of range 0-59");
  EXPECT_EQ(
      errors("steps: {a: {run: x}}\non: {schedule: [{cron: \"0 3 * *\"}]}\n"),
      "slipway.yml:2:24: invalid cron expression '0 3 * *': expected 5 fields (minute hour day-of-month "
      "month day-of-week), got 4");
}

TEST(TriggerValidation, ShapeErrors) {
  EXPECT_EQ(errors("steps: {a: {run: x}}\non: daily\n"),
            "slipway.yml:2:5: expected a mapping for 'on', got a string");
  EXPECT_EQ(errors("steps: {a: {run: x}}\non: {schedule: \"0 3 * * *\"}\n"),
            "slipway.yml:2:16: expected a sequence for 'schedule', got a string (write: schedule: [{cron: "
            "\"0 3 * * "
            "*\"}])");
  EXPECT_EQ(errors("steps: {a: {run: x}}\non: {schedule: [\"0 3 * * *\"]}\n"),
            "slipway.yml:2:17: expected a mapping with 'cron' in 'schedule', got a string");
  EXPECT_EQ(
      errors("steps: {a: {run: x}}\non: {schedule: [{branch: main}]}\n"),
      "slipway.yml:2:17: a schedule needs 'cron', e.g. cron: \"0 3 * * *\" (minute hour day month weekday, "
      "UTC)");
  EXPECT_EQ(
      errors("steps: {a: {run: x}}\non: {push: {}}\n"),
      "slipway.yml:2:6: unknown key 'push' in 'on'; valid keys: schedule (pushes, webhooks and polling start "
      "runs without being listed here)");
  EXPECT_EQ(errors("steps: {a: {run: x}}\non: {schedule: [{cron: \"@daily\", brnch: main}]}\n"),
            "slipway.yml:2:34: unknown key 'brnch' in a schedule (did you mean 'branch'?); valid keys: cron, "
            "branch");
  EXPECT_EQ(errors("steps: {a: {run: x}}\non: {schedule: [{cron: \"@daily\", branch: -x}]}\n"),
            "slipway.yml:2:42: invalid 'branch' '-x': no spaces, and it may not start with '-'");
}

}  // namespace
}  // namespace slipway::pipeline
