// Tests of the DORA metrics computed from a deployment history.
#include "deploy/dora_metrics.h"

#include <gtest/gtest.h>

namespace slipway::deploy {
namespace {

constexpr store::TimeMs kDay = 24LL * 3600 * 1000;
constexpr store::TimeMs kStart = 1767225600000;  // 2026-01-01T00:00:00Z

DoraDeployment make(const std::string& kind, const std::string& status, store::TimeMs finished,
                    store::TimeMs commit = 0, const std::string& app = "shop", const std::string& env = "production") {
  return {app, env, kind, status, commit, finished};
}

TEST(DoraMetrics, CountsSuccessfulDeploysAndLeadTimes) {
  std::vector<DoraDeployment> history = {
      make("deploy", "success", kStart + 1000 * 60, kStart),             // lead 60 s
      make("deploy", "success", kStart + kDay + 1000 * 300, kStart + kDay),  // lead 300 s
      make("config", "success", kStart + kDay + 1000 * 400),             // not a change
      make("deploy", "success", kStart + 2 * kDay + 1000 * 120, kStart + 2 * kDay),  // lead 120 s
  };
  auto report = compute_dora(history, kStart, kStart + 3 * kDay - 1);
  EXPECT_EQ(report.totals.deployments, 3);
  EXPECT_EQ(report.totals.changes, 3);
  EXPECT_EQ(report.totals.failed_changes, 0);
  EXPECT_EQ(report.totals.lead_time_count, 3);
  EXPECT_DOUBLE_EQ(report.totals.lead_time_median_seconds, 120);
  EXPECT_EQ(report.totals.restores, 0);
  EXPECT_DOUBLE_EQ(report.totals.restore_median_seconds, -1);
  ASSERT_EQ(report.daily.size(), 3u);
  EXPECT_EQ(report.daily[0].date, "2026-01-01");
  EXPECT_EQ(report.daily[1].deployments, 1);
  EXPECT_EQ(report.daily[2].date, "2026-01-03");
}

TEST(DoraMetrics, AFailedDeployAndARolledBackChangeAreFailuresWithTheirRecoveryTimes) {
  std::vector<DoraDeployment> history = {
      make("deploy", "success", kStart + 1000),
      make("deploy", "failed", kStart + 2000),       // failed: restored by the next success at +10000
      make("deploy", "success", kStart + 10000),     // rolled back at +70000: failed too
      make("rollback", "success", kStart + 70000),
      make("deploy", "cancelled", kStart + 80000),   // neither outcome: ignored
      make("deploy", "success", kStart + 90000),
  };
  auto report = compute_dora(history, kStart, kStart + kDay - 1);
  EXPECT_EQ(report.totals.changes, 4);
  EXPECT_EQ(report.totals.deployments, 3);
  EXPECT_EQ(report.totals.failed_changes, 2);
  EXPECT_EQ(report.totals.restores, 2);
  EXPECT_DOUBLE_EQ(report.totals.restore_median_seconds, (8 + 60) / 2.0);  // 8 s and 60 s
  EXPECT_EQ(report.daily[0].failures, 2);
}

TEST(DoraMetrics, AConfigChangeBetweenAChangeAndItsRollbackDoesNotHideTheFailure) {
  std::vector<DoraDeployment> history = {
      make("deploy", "success", kStart + 1000),
      make("config", "success", kStart + 2000),
      make("rollback", "success", kStart + 5000),
  };
  auto report = compute_dora(history, kStart, kStart + kDay - 1);
  EXPECT_EQ(report.totals.failed_changes, 1);
  EXPECT_EQ(report.totals.restores, 1);
  EXPECT_DOUBLE_EQ(report.totals.restore_median_seconds, 4);
}

TEST(DoraMetrics, OnlyChangesThatFinishInsideTheWindowCountButLaterRollbacksDecide) {
  std::vector<DoraDeployment> history = {
      make("deploy", "success", kStart - 5000),         // before the window
      make("deploy", "success", kStart + 1000),         // inside; rolled back after the window
      make("rollback", "success", kStart + kDay + 5000),
  };
  auto report = compute_dora(history, kStart, kStart + kDay - 1);
  EXPECT_EQ(report.totals.changes, 1);
  EXPECT_EQ(report.totals.failed_changes, 1);
  EXPECT_EQ(report.totals.restores, 1);
  EXPECT_DOUBLE_EQ(report.totals.restore_median_seconds, (kDay + 4000) / 1000.0);
}

TEST(DoraMetrics, RowsPerAppAndEnvironmentAddUpToTheTotals) {
  std::vector<DoraDeployment> history = {
      make("deploy", "success", kStart + 1000, 0, "shop", "production"),
      make("deploy", "failed", kStart + 2000, 0, "shop", "staging"),
      make("deploy", "success", kStart + 3000, 0, "blog", "production"),
      make("deploy", "success", kStart + 4000, 0, "shop", "staging"),
  };
  auto report = compute_dora(history, kStart, kStart + kDay - 1);
  ASSERT_EQ(report.rows.size(), 3u);
  EXPECT_EQ(report.rows[0].app, "blog");
  EXPECT_EQ(report.rows[2].environment, "staging");
  EXPECT_EQ(report.rows[2].numbers.changes, 2);
  EXPECT_EQ(report.rows[2].numbers.failed_changes, 1);
  EXPECT_EQ(report.totals.changes, 4);
  EXPECT_EQ(report.totals.lead_time_count, 0);  // no commit times known
  EXPECT_DOUBLE_EQ(report.totals.lead_time_median_seconds, -1);
}

}  // namespace
}  // namespace slipway::deploy
