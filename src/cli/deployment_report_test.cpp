// Tests of how deployments read: queued lines, summaries, the listing and details.
#include "cli/deployment_report.h"

#include <gtest/gtest.h>

#include "cli/human_format.h"

namespace slipway::cli {
namespace {

const std::int64_t kNow = *parse_timestamp("2026-11-26T12:00:00.000Z");

nlohmann::json deployment(const std::string& status, const std::string& kind = "deploy") {
  return {{"id", 9},
          {"app", "hello"},
          {"environment", "production"},
          {"kind", kind},
          {"release", 3},
          {"previous_release", 2},
          {"status", status},
          {"reason", ""},
          {"trigger", "push"},
          {"created_at", "2026-11-26T11:59:00.000Z"},
          {"started_at", "2026-11-26T11:59:00.000Z"},
          {"finished_at", "2026-11-26T11:59:04.200Z"},
          {"url", "http://hello.localhost:8080/"}};
}

TEST(DeploymentLine, SaysWhatGoesWhere) {
  EXPECT_EQ(deployment_line(deployment("queued")), "deployment 9: release 3 → production (queued)");
  EXPECT_EQ(deployment_line(deployment("queued", "rollback")),
            "deployment 9: rollback to release 3 → production (queued)");
}

TEST(DeploymentSummary, EndsWithTheUrlOrTheReason) {
  EXPECT_EQ(deployment_summary(deployment("success"), false, kNow),
            "deployment 9 (hello, release 3 → production): success in 4.2s — http://hello.localhost:8080/");
  auto failed = deployment("failed");
  failed["reason"] = "web.1 exited with status 1 before it was healthy";
  EXPECT_EQ(deployment_summary(failed, false, kNow),
            "deployment 9 (hello, release 3 → production): failed after 4.2s — web.1 exited with status 1 "
            "before it was healthy");
}

TEST(StartedDeployments, NamesEachWithItsEnvironment) {
  auto two = nlohmann::json::array({{{"id", 12}, {"environment", "production"}}, {{"id", 13}, {"environment", "staging"}}});
  EXPECT_EQ(started_deployments(two), "deployment 12 (production), deployment 13 (staging)");
  EXPECT_EQ(started_deployments(nlohmann::json::array()), "");
}

TEST(DeploymentsTable, TruncatesTheReason) {
  auto failed = deployment("failed");
  failed["id"] = 10;
  failed["reason"] = "health check failed: GET / answered 502 for 30 seconds in a row";
  auto queued = deployment("queued", "config");
  queued["id"] = 11;
  queued["trigger"] = "config";
  queued["started_at"] = nullptr;
  queued["finished_at"] = nullptr;
  EXPECT_EQ(deployments_table(nlohmann::json::array({queued, failed}), false, kNow),
            "ID  ENV         KIND    RELEASE  STATUS  TRIGGER  STARTED  DURATION  REASON\n"
            "11  production  config        3  queued  config   -\n"
            "10  production  deploy        3  failed  push     1m ago   4.2s      health check failed: GET / answered 502…\n");
}

TEST(DeploymentDetails, ShowsThePreviousRelease) {
  EXPECT_EQ(deployment_details(deployment("success"), false, kNow),
            "deployment 9\n"
            "  app       hello\n"
            "  env       production\n"
            "  kind      deploy\n"
            "  release   3 (was 2)\n"
            "  status    success\n"
            "  trigger   push\n"
            "  url       http://hello.localhost:8080/\n"
            "  created   1m ago\n"
            "  started   1m ago\n"
            "  duration  4.2s\n");
}

}  // namespace
}  // namespace slipway::cli
