#include "scheduler/run_events.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace slipway::scheduler {
namespace {

TEST(RunEvents, DeliversOnlyToSubscribersOfThatRun) {
  RunEvents hub;
  std::vector<int> seen;
  auto a = hub.subscribe(1, [&](const RunEvent& e) { seen.push_back(e.position); });
  auto b = hub.subscribe(2, [&](const RunEvent&) { seen.push_back(-100); });
  hub.publish({RunEvent::Kind::log_grew, 1, 3});
  EXPECT_EQ(seen, std::vector<int>{3});
  EXPECT_EQ(hub.subscriber_count(1), 1u);
}

TEST(RunEvents, SubscriptionEndsWithItsHandle) {
  RunEvents hub;
  int calls = 0;
  {
    auto s = hub.subscribe(1, [&](const RunEvent&) { ++calls; });
    hub.publish({RunEvent::Kind::run_changed, 1});
  }
  hub.publish({RunEvent::Kind::run_changed, 1});
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(hub.subscriber_count(1), 0u);
}

TEST(RunEvents, HandlerMayUnsubscribeItselfAndOthersWhilePublishing) {
  RunEvents hub;
  int first = 0, second = 0;
  RunEvents::Subscription b;
  auto a = hub.subscribe(1, [&](const RunEvent&) {
    ++first;
    b.reset();
  });
  b = hub.subscribe(1, [&](const RunEvent&) { ++second; });
  hub.publish({RunEvent::Kind::run_changed, 1});
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 0);
}

TEST(RunEvents, SubscriptionMayOutliveTheHub) {
  auto hub = std::make_unique<RunEvents>();
  auto s = hub->subscribe(1, [](const RunEvent&) {});
  hub.reset();
  s.reset();  // must not touch freed memory (ASan checks)
  SUCCEED();
}

}  // namespace
}  // namespace slipway::scheduler
