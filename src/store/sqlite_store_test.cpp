// Tests of the SQLite store on a real database file in a temporary directory.
#include "store/sqlite_store.h"
#include "store/temp_store_fixture.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>

#include "store/migrations.h"
#include "util/error.h"

namespace slipway::store {
namespace {

Step make_step(int position, std::string name, std::vector<int> needs = {}) {
  Step step;
  step.position = position;
  step.name = std::move(name);
  step.needs = std::move(needs);
  return step;
}

class SqliteStoreTest : public TempStoreTest {
 protected:
  store::Run run(const Project& p, const std::string& branch, RunStatus status = RunStatus::queued) {
    store::Run r;
    r.project_id = p.id;
    r.status = status;
    r.trigger = "push";
    r.branch = branch;
    r.commit = std::string(40, 'a');
    return store_->create_run(r);
  }
  static std::vector<Id> ids(const std::vector<store::Run>& runs) {
    std::vector<Id> out;
    for (const auto& r : runs) out.push_back(r.id);
    return out;
  }

  // Runs SQL on the file through a separate connection and returns the first column of the first row.
  std::string query_file(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    std::string result;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      result = text ? reinterpret_cast<const char*>(text) : "";
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return result;
  }

};

TEST_F(SqliteStoreTest, OpenCreatesAndMigratesTheFile) {
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_EQ(store_->schema_version(), static_cast<int>(sqlite_migrations().size()));
  EXPECT_EQ(query_file("PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStoreTest, ReopeningKeepsDataAndVersion) {
  project("app");
  store_.reset();
  auto reopened = SqliteStore::open(path_);
  ASSERT_TRUE(reopened) << reopened.error();
  EXPECT_EQ((*reopened)->schema_version(), static_cast<int>(sqlite_migrations().size()));
  EXPECT_TRUE((*reopened)->find_project("app"));
}

TEST_F(SqliteStoreTest, RefusesASchemaNewerThanItKnows) {
  store_.reset();
  query_file("PRAGMA user_version=" + std::to_string(sqlite_migrations().size() + 1));
  auto reopened = SqliteStore::open(path_);
  ASSERT_FALSE(reopened);
  EXPECT_NE(reopened.error().find("newer"), std::string::npos) << reopened.error();
}

TEST_F(SqliteStoreTest, OpenReportsAnUnusablePath) {
  auto opened = SqliteStore::open(dir_ + "/missing/slipway.db");
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().find(dir_ + "/missing/slipway.db"), std::string::npos) << opened.error();
}

TEST_F(SqliteStoreTest, ProjectsRoundTrip) {
  Project p;
  p.name = "web";
  p.source_url = "https://example.com/web.git";
  p.webhook_secret = "s3cret";
  p.default_branch = "trunk";
  Project created = store_->create_project(p);
  EXPECT_GT(created.id, 0);
  EXPECT_GT(created.created_at, 0);
  auto by_name = store_->find_project("web");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, created.id);
  EXPECT_EQ(by_name->source_url, "https://example.com/web.git");
  EXPECT_EQ(by_name->webhook_secret, "s3cret");
  EXPECT_EQ(by_name->default_branch, "trunk");
  EXPECT_EQ(store_->find_project(created.id)->name, "web");
  EXPECT_FALSE(store_->find_project("nope"));
  EXPECT_FALSE(store_->find_project(Id{created.id + 100}));
}

TEST_F(SqliteStoreTest, ListsProjectsByName) {
  project("zeta");
  project("alpha");
  project("mid");
  std::vector<std::string> names;
  for (const auto& p : store_->list_projects()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "mid", "zeta"}));
}

TEST_F(SqliteStoreTest, DuplicateProjectNameThrows) {
  project("app");
  EXPECT_THROW(project("app"), util::Error);
  EXPECT_EQ(store_->list_projects().size(), 1u);
  project("app2");  // the store is still usable after the failed insert
}

TEST_F(SqliteStoreTest, DeletingAProjectDeletesItsRunsAndSteps) {
  Project app = project("app");
  Project other = project("other");
  store::Run doomed = run(app, "main");
  store::Run kept = run(other, "main");
  store_->insert_steps(doomed.id, {make_step(0, "setup")});
  store_->insert_steps(kept.id, {make_step(0, "setup")});

  EXPECT_TRUE(store_->delete_project(app.id));
  EXPECT_FALSE(store_->find_project("app"));
  EXPECT_FALSE(store_->find_run(doomed.id));
  EXPECT_TRUE(store_->list_steps(doomed.id).empty());
  EXPECT_TRUE(store_->find_run(kept.id));
  EXPECT_EQ(store_->list_steps(kept.id).size(), 1u);
  EXPECT_FALSE(store_->delete_project(app.id));
}

TEST_F(SqliteStoreTest, RunsRoundTripAndUpdate) {
  Project app = project("app");
  store::Run r;
  r.project_id = app.id;
  r.trigger = "manual";
  r.branch = "feature/x";
  r.reason = "";
  store::Run created = store_->create_run(r);
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.project, "app");
  EXPECT_EQ(created.status, RunStatus::queued);
  EXPECT_EQ(created.trigger, "manual");
  EXPECT_EQ(created.branch, "feature/x");
  EXPECT_EQ(created.commit, "");
  EXPECT_GT(created.created_at, 0);

  created.status = RunStatus::failed;
  created.reason = "step 'test' failed";
  created.started_at = 1000;
  created.finished_at = 2000;
  created.commit = std::string(40, 'b');
  created.message = "Fix the thing";
  store_->update_run(created);
  auto found = store_->find_run(created.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, RunStatus::failed);
  EXPECT_EQ(found->reason, "step 'test' failed");
  EXPECT_EQ(found->started_at, 1000);
  EXPECT_EQ(found->finished_at, 2000);
  EXPECT_EQ(found->commit, std::string(40, 'b'));
  EXPECT_EQ(found->message, "Fix the thing");
  EXPECT_EQ(found->created_at, created.created_at);
  EXPECT_FALSE(store_->find_run(created.id + 100));
}

TEST_F(SqliteStoreTest, ListRunsIsNewestFirstAndFilters) {
  Project a = project("a");
  Project b = project("b");
  Id a1 = run(a, "main").id;
  Id b1 = run(b, "main").id;
  Id a2 = run(a, "dev", RunStatus::success).id;
  Id a3 = run(a, "main", RunStatus::success).id;
  Id b2 = run(b, "dev", RunStatus::failed).id;

  RunFilter all;
  EXPECT_EQ(ids(store_->list_runs(all)), (std::vector<Id>{b2, a3, a2, b1, a1}));
  RunFilter by_project;
  by_project.project_id = a.id;
  EXPECT_EQ(ids(store_->list_runs(by_project)), (std::vector<Id>{a3, a2, a1}));
  RunFilter by_status;
  by_status.status = RunStatus::success;
  EXPECT_EQ(ids(store_->list_runs(by_status)), (std::vector<Id>{a3, a2}));
  RunFilter by_branch;
  by_branch.branch = "dev";
  EXPECT_EQ(ids(store_->list_runs(by_branch)), (std::vector<Id>{b2, a2}));
  RunFilter before;
  before.before_id = a2;
  EXPECT_EQ(ids(store_->list_runs(before)), (std::vector<Id>{b1, a1}));
  RunFilter limited;
  limited.limit = 2;
  EXPECT_EQ(ids(store_->list_runs(limited)), (std::vector<Id>{b2, a3}));

  RunFilter combined;
  combined.project_id = a.id;
  combined.branch = "main";
  EXPECT_EQ(ids(store_->list_runs(combined)), (std::vector<Id>{a3, a1}));
  combined.status = RunStatus::queued;
  EXPECT_EQ(ids(store_->list_runs(combined)), (std::vector<Id>{a1}));
  combined.status.reset();
  combined.before_id = a3;
  combined.limit = 1;
  EXPECT_EQ(ids(store_->list_runs(combined)), (std::vector<Id>{a1}));
  RunFilter nothing;
  nothing.branch = "none";
  EXPECT_TRUE(store_->list_runs(nothing).empty());
  // The cached statement must not keep an earlier call's filter.
  EXPECT_EQ(store_->list_runs(all).size(), 5u);
}

TEST_F(SqliteStoreTest, QueuedRunsAreOldestFirst) {
  Project a = project("a");
  Id first = run(a, "main").id;
  run(a, "main", RunStatus::running);
  Id second = run(a, "dev").id;
  Id third = run(a, "main").id;
  EXPECT_EQ(ids(store_->queued_runs(10)), (std::vector<Id>{first, second, third}));
  EXPECT_EQ(ids(store_->queued_runs(2)), (std::vector<Id>{first, second}));
}

TEST_F(SqliteStoreTest, RunsWithStatus) {
  Project a = project("a");
  run(a, "main");
  Id r1 = run(a, "main", RunStatus::running).id;
  Id r2 = run(a, "dev", RunStatus::running).id;
  EXPECT_EQ(ids(store_->runs_with_status(RunStatus::running)), (std::vector<Id>{r1, r2}));
  EXPECT_TRUE(store_->runs_with_status(RunStatus::interrupted).empty());
}

TEST_F(SqliteStoreTest, StepsAreListedByPositionWithTheirNeeds) {
  store::Run r = run(project("a"), "main");
  auto inserted = store_->insert_steps(r.id, {make_step(3, "deploy", {1, 2}), make_step(0, "setup"),
                                              make_step(2, "lint", {0}), make_step(1, "test", {0, 10})});
  ASSERT_EQ(inserted.size(), 4u);
  for (const auto& s : inserted) {
    EXPECT_GT(s.id, 0);
    EXPECT_EQ(s.run_id, r.id);
  }
  auto listed = store_->list_steps(r.id);
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[0].name, "setup");
  EXPECT_EQ(listed[1].name, "test");
  EXPECT_EQ(listed[2].name, "lint");
  EXPECT_EQ(listed[3].name, "deploy");
  EXPECT_EQ(listed[0].needs, std::vector<int>{});
  EXPECT_EQ(listed[1].needs, (std::vector<int>{0, 10}));
  EXPECT_EQ(listed[3].needs, (std::vector<int>{1, 2}));
  EXPECT_EQ(listed[3].status, StepStatus::pending);
  EXPECT_EQ(listed[3].exit_code, -1);
}

TEST_F(SqliteStoreTest, UpdateStepKeepsEveryField) {
  store::Run r = run(project("a"), "main");
  Step step = store_->insert_steps(r.id, {make_step(1, "build")}).at(0);
  step.status = StepStatus::failed;
  step.exit_code = 2;
  step.reason = "exit status 2";
  step.started_at = 10;
  step.finished_at = 20;
  step.pgid = 4242;
  step.pgid_start_time = 987654321;
  store_->update_step(step);
  Step back = store_->list_steps(r.id).at(0);
  EXPECT_EQ(back.id, step.id);
  EXPECT_EQ(back.status, StepStatus::failed);
  EXPECT_EQ(back.exit_code, 2);
  EXPECT_EQ(back.reason, "exit status 2");
  EXPECT_EQ(back.started_at, 10);
  EXPECT_EQ(back.finished_at, 20);
  EXPECT_EQ(back.pgid, 4242);
  EXPECT_EQ(back.pgid_start_time, 987654321);
}

TEST_F(SqliteStoreTest, TokensAreFoundByHashOnly) {
  Token admin = store_->create_token("ci", Role::admin, "hash-1");
  Token viewer = store_->create_token("dash", Role::viewer, "hash-2");
  EXPECT_GT(admin.id, 0);
  EXPECT_EQ(admin.name, "ci");
  EXPECT_EQ(admin.role, Role::admin);
  auto found = store_->find_token_by_hash("hash-2");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, viewer.id);
  EXPECT_EQ(found->role, Role::viewer);
  EXPECT_FALSE(store_->find_token_by_hash("dash"));
  EXPECT_FALSE(store_->find_token_by_hash(""));
  auto tokens = store_->list_tokens();
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].name, "ci");
  EXPECT_EQ(tokens[1].name, "dash");
  EXPECT_THROW(store_->create_token("again", Role::viewer, "hash-1"), util::Error);
}

TEST_F(SqliteStoreTest, RecordDeliveryDetectsRepeats) {
  EXPECT_TRUE(store_->record_delivery("github", "abc"));
  EXPECT_FALSE(store_->record_delivery("github", "abc"));
  EXPECT_TRUE(store_->record_delivery("github", "abd"));
  EXPECT_TRUE(store_->record_delivery("gitlab", "abc"));
}

}  // namespace
}  // namespace slipway::store
