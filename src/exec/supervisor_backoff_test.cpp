// Tests of the restart policy: doubling delays up to the cap, giving up after
// max_restarts quick failures in a row, and a stable run clearing the count.
#include "exec/supervisor_backoff.h"

#include <gtest/gtest.h>

namespace slipway::exec {
namespace {

using namespace std::chrono_literals;

InstanceSpec policy(int max_restarts) {
  InstanceSpec spec;
  spec.max_restarts = max_restarts;
  spec.backoff_initial = 500ms;
  spec.backoff_max = 3s;
  spec.stable_after = 10s;
  return spec;
}

TEST(SupervisorBackoffTest, DelaysDoubleUpToTheCap) {
  SupervisorBackoff backoff(policy(100));
  EXPECT_EQ(backoff.after_exit(1s), 500ms);
  EXPECT_EQ(backoff.after_exit(1s), 1000ms);
  EXPECT_EQ(backoff.after_exit(1s), 2000ms);
  EXPECT_EQ(backoff.after_exit(1s), 3000ms);
  for (int i = 0; i < 90; ++i)
    EXPECT_EQ(backoff.after_exit(1s), 3000ms);  // no overflow however long it goes on
}

TEST(SupervisorBackoffTest, GivesUpAfterMaxRestartsQuickFailuresInARow) {
  SupervisorBackoff backoff(policy(3));
  EXPECT_TRUE(backoff.after_exit(0ms));
  EXPECT_TRUE(backoff.after_exit(0ms));
  EXPECT_FALSE(backoff.after_exit(0ms));
  EXPECT_EQ(backoff.quick_failures(), 3);
}

TEST(SupervisorBackoffTest, AStableRunClearsTheCount) {
  SupervisorBackoff backoff(policy(3));
  EXPECT_EQ(backoff.after_exit(1s), 500ms);
  EXPECT_EQ(backoff.after_exit(1s), 1000ms);
  EXPECT_EQ(backoff.after_exit(10s), 500ms);  // ran long enough: not a quick failure
  EXPECT_EQ(backoff.quick_failures(), 0);
  EXPECT_EQ(backoff.after_exit(1s), 500ms);
  EXPECT_EQ(backoff.after_exit(1s), 1000ms);
  EXPECT_FALSE(backoff.after_exit(1s));
}

}  // namespace
}  // namespace slipway::exec
