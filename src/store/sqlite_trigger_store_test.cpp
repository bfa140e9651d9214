#include <gtest/gtest.h>

#include "store/temp_store_fixture.h"

namespace slipway::store {
namespace {

using TriggerStoreTest = TempStoreTest;

TEST_F(TriggerStoreTest, PollIntervalIsCreatedAndChanged) {
  Project p;
  p.name = "lib";
  p.source_url = "https://example.com/lib.git";
  p.poll_seconds = 60;
  auto created = store_->create_project(p);
  EXPECT_EQ(created.poll_seconds, 60);
  store_->set_poll_interval(created.id, 0);
  EXPECT_EQ(store_->find_project("lib")->poll_seconds, 0);
  EXPECT_EQ(project("other").poll_seconds, 0);
}

TEST_F(TriggerStoreTest, PolledHeadsAreNothingUntilSavedThenReplaced) {
  auto p = project("lib");
  EXPECT_FALSE(store_->polled_heads(p.id));
  store_->save_polled_heads(p.id, {});
  ASSERT_TRUE(store_->polled_heads(p.id));  // polled once, an empty remote: not "never polled"
  EXPECT_TRUE(store_->polled_heads(p.id)->empty());
  std::map<std::string, std::string> heads{{"refs/heads/main", std::string(40, 'a')},
                                           {"refs/tags/v1", std::string(40, 'b')}};
  store_->save_polled_heads(p.id, heads);
  EXPECT_EQ(*store_->polled_heads(p.id), heads);
  store_->save_polled_heads(p.id, {{"refs/heads/main", std::string(40, 'c')}});
  EXPECT_EQ(store_->polled_heads(p.id)->size(), 1u);
}

TEST_F(TriggerStoreTest, ScheduleMarksSurviveReopeningAndGoWithTheProject) {
  auto p = project("cron");
  EXPECT_TRUE(store_->schedule_marks(p.id).empty());
  store_->save_schedule_marks(p.id, {{"* * * * *|", 1000}, {"0 3 * * *|main", 2000}});
  store_.reset();
  auto reopened = SqliteStore::open(path_);
  ASSERT_TRUE(reopened);
  store_ = std::move(*reopened);
  EXPECT_EQ(store_->schedule_marks(p.id),
            (std::map<std::string, TimeMs>{{"* * * * *|", 1000}, {"0 3 * * *|main", 2000}}));
  store_->save_schedule_marks(p.id, {{"* * * * *|", 3000}});
  EXPECT_EQ(store_->schedule_marks(p.id).size(), 1u);
  store_->delete_project(p.id);
  EXPECT_TRUE(store_->schedule_marks(p.id).empty());
  EXPECT_FALSE(store_->polled_heads(p.id));
}

}  // namespace
}  // namespace slipway::store
