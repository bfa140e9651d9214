#include "scheduler/remote_poller.h"

#include <gtest/gtest.h>

namespace slipway::scheduler {
namespace {

TEST(RemotePoller, PollIntervalBounds) {
  EXPECT_FALSE(poll_interval_problem(0, 10));  // off
  EXPECT_FALSE(poll_interval_problem(10, 10));
  EXPECT_FALSE(poll_interval_problem(3600, 10));
  EXPECT_FALSE(poll_interval_problem(7 * 24 * 3600, 10));
  EXPECT_EQ(poll_interval_problem(9, 10).value_or(""),
            "poll interval must be 0 (off) or 10 to 604800 seconds, got 9");
  EXPECT_TRUE(poll_interval_problem(-1, 10));
  EXPECT_TRUE(poll_interval_problem(7 * 24 * 3600 + 1, 10));
  EXPECT_FALSE(poll_interval_problem(1, 1));  // a daemon started with --test-poll-minimum 1
}

TEST(RemotePoller, MinimumIsTenSecondsUnlessATestLowersIt) {
  EXPECT_EQ(poll_minimum_seconds(), 10);
  set_poll_minimum_seconds(0);   // ignored
  set_poll_minimum_seconds(10);  // ignored: only lower
  EXPECT_EQ(poll_minimum_seconds(), 10);
}

}  // namespace
}  // namespace slipway::scheduler
