// Tests of Store::transaction (all or nothing, nestable) on the SQLite store.
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include "store/sqlite_store.h"
#include "store/temp_store_fixture.h"
#include "util/error.h"

namespace slipway::store {
namespace {

class StoreTransactionTest : public TempStoreTest {};

TEST_F(StoreTransactionTest, RollsBackEverythingOnException) {
  auto body = [&] {
    store::Run r;
    r.project_id = project("app").id;
    r.trigger = "push";
    r.branch = "main";
    r = store_->create_run(r);
    Step step;
    step.name = "setup";
    store_->insert_steps(r.id, {step});  // a nested transaction
    store_->record_delivery("github", "d1");
    throw std::runtime_error("boom");
  };
  EXPECT_THROW(store_->transaction(body), std::runtime_error);
  EXPECT_TRUE(store_->list_projects().empty());
  EXPECT_TRUE(store_->list_runs(RunFilter{}).empty());
  EXPECT_TRUE(store_->record_delivery("github", "d1"));
}

TEST_F(StoreTransactionTest, CommitsOnSuccess) {
  store_->transaction([&] {
    project("app");
    store_->record_delivery("github", "d1");
  });
  EXPECT_TRUE(store_->find_project("app"));
  EXPECT_FALSE(store_->record_delivery("github", "d1"));
}

TEST_F(StoreTransactionTest, AFailedStatementRollsBackItsTransaction) {
  project("taken");
  auto body = [&] {
    project("fresh");
    project("taken");  // throws: the name exists
  };
  EXPECT_THROW(store_->transaction(body), util::Error);
  EXPECT_FALSE(store_->find_project("fresh"));
  store_->transaction([&] { project("later"); });  // still usable
  EXPECT_TRUE(store_->find_project("later"));
}

// A BEGIN that fails (SQLITE_BUSY: another process, e.g. `slipway token create --home`,
// holds the write lock) must not leave the store believing a transaction is open, or every
// later transaction() would run unprotected. This waits out the store's busy timeout once.
TEST_F(StoreTransactionTest, AFailedBeginDoesNotBreakLaterTransactions) {
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &other, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_THROW(store_->transaction([&] { project("never"); }), util::Error);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);

  auto body = [&] {
    project("half-done");
    throw std::runtime_error("boom");
  };
  EXPECT_THROW(store_->transaction(body), std::runtime_error);
  EXPECT_FALSE(store_->find_project("half-done"));
}

}  // namespace
}  // namespace slipway::store
