// Tests of the record state names and their order.
#include "store/records.h"

#include <gtest/gtest.h>

namespace slipway::store {
namespace {

TEST(RunStatus, NamesRoundTrip) {
  for (auto status : {RunStatus::queued, RunStatus::running, RunStatus::success, RunStatus::failed,
                      RunStatus::cancelled, RunStatus::interrupted, RunStatus::skipped}) {
    EXPECT_EQ(parse_run_status(to_string(status)), status) << to_string(status);
  }
  EXPECT_EQ(to_string(RunStatus::cancelled), "cancelled");
  EXPECT_FALSE(parse_run_status(""));
  EXPECT_FALSE(parse_run_status("Queued"));
  EXPECT_FALSE(parse_run_status("pending"));  // a step state, not a run state
}

TEST(StepStatus, NamesRoundTrip) {
  for (auto status : {StepStatus::pending, StepStatus::running, StepStatus::success, StepStatus::failed,
                      StepStatus::cancelled, StepStatus::skipped, StepStatus::interrupted}) {
    EXPECT_EQ(parse_step_status(to_string(status)), status) << to_string(status);
  }
  EXPECT_FALSE(parse_step_status("queued"));
  EXPECT_FALSE(parse_step_status("success "));
}

TEST(Role, NamesRoundTrip) {
  for (auto role : {Role::viewer, Role::deployer, Role::admin}) EXPECT_EQ(parse_role(to_string(role)), role);
  EXPECT_FALSE(parse_role("root"));
}

// Authorization compares roles numerically: each role includes the ones before it.
TEST(Role, IsOrderedByPower) {
  EXPECT_LT(static_cast<int>(Role::viewer), static_cast<int>(Role::deployer));
  EXPECT_LT(static_cast<int>(Role::deployer), static_cast<int>(Role::admin));
}

TEST(IsFinished, OnlyQueuedAndRunningRunsAreUnfinished) {
  EXPECT_FALSE(is_finished(RunStatus::queued));
  EXPECT_FALSE(is_finished(RunStatus::running));
  for (auto status : {RunStatus::success, RunStatus::failed, RunStatus::cancelled, RunStatus::interrupted,
                      RunStatus::skipped}) {
    EXPECT_TRUE(is_finished(status)) << to_string(status);
  }
}

TEST(IsFinished, OnlyPendingAndRunningStepsAreUnfinished) {
  EXPECT_FALSE(is_finished(StepStatus::pending));
  EXPECT_FALSE(is_finished(StepStatus::running));
  for (auto status : {StepStatus::success, StepStatus::failed, StepStatus::cancelled, StepStatus::skipped,
                      StepStatus::interrupted}) {
    EXPECT_TRUE(is_finished(status)) << to_string(status);
  }
}

}  // namespace
}  // namespace slipway::store
