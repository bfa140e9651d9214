// Tests of the store's aggregates for /metrics: counts per status and
// durations counted into cumulative buckets.
#include <gtest/gtest.h>

#include "store/temp_store_fixture.h"

namespace slipway::store {
namespace {

class StoreMetricsTest : public TempStoreTest {
 protected:
  store::Run make_run(Id project_id, RunStatus status) {
    store::Run r;
    r.project_id = project_id;
    r.trigger = "push";
    r.branch = "main";
    r.status = status;
    return store_->create_run(r);
  }
  // A step of RUN that ran from START to FINISH (ms; 0: not reached).
  void step(Id run_id, int position, StepStatus status, TimeMs start, TimeMs finish) {
    Step s;
    s.position = position;
    s.name = "s" + std::to_string(position);
    s.status = status;
    s.started_at = start;
    s.finished_at = finish;
    store_->insert_steps(run_id, {s});
  }
  Deployment deployment(Id project_id, const std::string& environment, DeploymentStatus status, TimeMs start,
                        TimeMs finish) {
    Release r;
    r.project_id = project_id;
    r.commit = "c";
    r.dir = "/releases/c";
    auto release = store_->create_release(r);
    Deployment d;
    d.project_id = project_id;
    d.release_id = release.id;
    d.environment = environment;
    d.trigger = "push";
    d = store_->create_deployment(d);
    d.status = status;
    d.started_at = start;
    d.finished_at = finish;
    store_->update_deployment(d);
    return d;
  }
};

TEST_F(StoreMetricsTest, CountsRunsPerProjectAndStatus) {
  auto a = project("a");
  auto b = project("b");
  make_run(a.id, RunStatus::success);
  make_run(a.id, RunStatus::success);
  make_run(a.id, RunStatus::failed);
  make_run(b.id, RunStatus::queued);
  auto counts = store_->count_runs();
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].project, "a");
  EXPECT_EQ(counts[0].status, "failed");
  EXPECT_EQ(counts[0].count, 1);
  EXPECT_EQ(counts[1].status, "success");
  EXPECT_EQ(counts[1].count, 2);
  EXPECT_EQ(counts[2].project, "b");
  EXPECT_EQ(counts[2].status, "queued");
}

TEST_F(StoreMetricsTest, StepDurationsCountFinishedStepsIntoCumulativeBuckets) {
  auto a = project("a");
  auto r = make_run(a.id, RunStatus::running);
  step(r.id, 0, StepStatus::success, 1000, 1050);    // 50 ms
  step(r.id, 1, StepStatus::failed, 1000, 1000);     // 0 ms: counts in the first bucket
  step(r.id, 2, StepStatus::success, 1000, 3000);    // 2 s
  step(r.id, 3, StepStatus::success, 1000, 100000);  // 99 s: beyond every bound
  step(r.id, 4, StepStatus::skipped, 0, 0);          // never started
  step(r.id, 5, StepStatus::running, 1000, 0);       // not over
  auto durations = store_->step_durations({100, 2000, 10000});
  ASSERT_EQ(durations.size(), 1u);
  EXPECT_EQ(durations[0].project, "a");
  EXPECT_EQ(durations[0].count, 4);
  EXPECT_EQ(durations[0].sum_ms, 50 + 0 + 2000 + 99000);
  EXPECT_EQ(durations[0].cumulative, (std::vector<std::int64_t>{2, 3, 3}));
}

TEST_F(StoreMetricsTest, NothingToCountIsEmpty) {
  project("a");
  EXPECT_TRUE(store_->count_runs().empty());
  EXPECT_TRUE(store_->count_deployments().empty());
  EXPECT_TRUE(store_->step_durations({1000}).empty());
  EXPECT_TRUE(store_->deployment_durations({1000}).empty());
}

TEST_F(StoreMetricsTest, DeploymentsPerEnvironment) {
  auto a = project("a");
  deployment(a.id, "production", DeploymentStatus::success, 1000, 4000);
  deployment(a.id, "production", DeploymentStatus::failed, 1000, 61000);
  deployment(a.id, "production", DeploymentStatus::waiting, 1000, 2000);  // parked, not over
  deployment(a.id, "staging", DeploymentStatus::superseded, 0, 5000);     // never started
  deployment(a.id, "staging", DeploymentStatus::success, 2000, 3000);

  auto counts = store_->count_deployments();
  ASSERT_EQ(counts.size(), 5u);
  EXPECT_EQ(counts[0].project, "a");
  EXPECT_EQ(counts[0].environment, "production");
  EXPECT_EQ(counts[0].status, "failed");
  EXPECT_EQ(counts[2].status, "waiting");
  EXPECT_EQ(counts[3].environment, "staging");
  EXPECT_EQ(counts[4].status, "superseded");
  EXPECT_EQ(counts[4].count, 1);

  auto durations = store_->deployment_durations({5000, 60000});
  ASSERT_EQ(durations.size(), 2u);
  EXPECT_EQ(durations[0].environment, "production");
  EXPECT_EQ(durations[0].count, 2);
  EXPECT_EQ(durations[0].cumulative, (std::vector<std::int64_t>{1, 2}));  // a bound includes itself (le)
  EXPECT_EQ(durations[0].sum_ms, 3000 + 60000);
  EXPECT_EQ(durations[1].environment, "staging");
  EXPECT_EQ(durations[1].count, 1);
  EXPECT_EQ(durations[1].cumulative, (std::vector<std::int64_t>{1, 1}));
}

}  // namespace
}  // namespace slipway::store
