#include <gtest/gtest.h>

#include "store/temp_store_fixture.h"

namespace slipway::store {
namespace {

class OutboxStoreTest : public TempStoreTest {
 protected:
  Delivery delivery(Id project_id, Id run_id, TimeMs due) {
    Delivery d;
    d.project_id = project_id;
    d.kind = "status";
    d.event = "pending";
    d.run_id = run_id;
    d.url = "http://127.0.0.1:1/x";
    d.headers = R"({"Content-Type":"application/json"})";
    d.body = "{}";
    d.auth_secret = "GITHUB_TOKEN";
    d.auth_scheme = "bearer";
    d.next_attempt_at = due;
    return store_->create_delivery(d);
  }
};

TEST_F(OutboxStoreTest, DueRowsComeOldestFirstAndOnlyWhenDue) {
  auto p = project("api");
  auto a = delivery(p.id, 1, 100);
  auto b = delivery(p.id, 2, 50);
  delivery(p.id, 3, 1000);
  auto due = store_->due_deliveries(100, 10);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].id, a.id);
  EXPECT_EQ(due[1].id, b.id);
  EXPECT_EQ(due[0].auth_secret, "GITHUB_TOKEN");
  EXPECT_EQ(*store_->next_delivery_at(), 50);
}

TEST_F(OutboxStoreTest, AnAttemptIsRecordedOnlyWhilePending) {
  auto p = project("api");
  auto d = delivery(p.id, 7, 10);
  d.attempts = 1;
  d.last_error = "HTTP 500";
  d.next_attempt_at = 2000;
  EXPECT_TRUE(store_->update_delivery(d));
  EXPECT_EQ(store_->supersede_deliveries(7, "status"), 1);
  d.status = DeliveryStatus::delivered;
  EXPECT_FALSE(store_->update_delivery(d));  // superseded meanwhile: stays so
  auto stored = store_->find_delivery(d.id);
  EXPECT_EQ(stored->status, DeliveryStatus::superseded);
  EXPECT_EQ(stored->attempts, 1);
  EXPECT_EQ(stored->last_error, "HTTP 500");
  EXPECT_FALSE(store_->next_delivery_at());
}

TEST_F(OutboxStoreTest, ListsByProjectNewestFirst) {
  auto p = project("api");
  auto q = project("web");
  delivery(p.id, 1, 1);
  auto newer = delivery(p.id, 2, 1);
  delivery(q.id, 3, 1);
  auto listed = store_->list_deliveries({p.id, std::nullopt, std::nullopt, 10});
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, newer.id);
  EXPECT_EQ(store_->list_deliveries({std::nullopt, 3, std::nullopt, 10}).size(), 1u);
}

}  // namespace
}  // namespace slipway::store
