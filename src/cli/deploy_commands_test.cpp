// Tests of `slipway deploy` and `slipway rollback` against a scripted daemon.
#include "cli/deploy_commands.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/exit_status.h"
#include "cli/test_cli_run.h"
#include "cli/test_http_server.h"

namespace slipway::cli {
namespace {

using testing::body_of;
using testing::http_answer;
using testing::log_answer;
using testing::run_cli;
using testing::TestHttpServer;

std::string deployment(const std::string& status, const std::string& reason = "") {
  return nlohmann::json{{"id", 9},
                        {"app", "hello"},
                        {"environment", "production"},
                        {"kind", "deploy"},
                        {"release", 3},
                        {"previous_release", 2},
                        {"status", status},
                        {"reason", reason},
                        {"trigger", "manual"},
                        {"created_at", "2026-11-26T10:00:00.000Z"},
                        {"started_at", status == "queued" ? nlohmann::json() : "2026-11-26T10:00:00.000Z"},
                        {"finished_at", status == "queued" || status == "running" ? nlohmann::json()
                                                                                  : "2026-11-26T10:00:04.200Z"},
                        {"url", "http://hello.localhost:8080/"}}
      .dump();
}

TEST(DeployCommand, DeploysAReleaseAndSaysWhere) {
  TestHttpServer server({http_answer(201, deployment("queued"))});
  auto result = run_cli(server.url(), {"deploy", "hello", "--release", "3", "--env", "production"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out, "deployment 9: release 3 → production (queued)\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].starts_with("POST /api/v1/apps/hello/deploy HTTP/1.1\r\n")) << requests[0];
  EXPECT_EQ(nlohmann::json::parse(body_of(requests[0])),
            (nlohmann::json{{"environment", "production"}, {"release", 3}}));
}

TEST(DeployCommand, ARefQueuesARun) {
  TestHttpServer server({http_answer(201, R"({"run": {"id": 12, "project": "hello", "status": "queued"}})")});
  auto result = run_cli(server.url(), {"deploy", "hello", "--ref", "v1.2"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out, "run 12 queued; it deploys when it passes\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(body_of(requests[0])), (nlohmann::json{{"ref", "v1.2"}}));
}

TEST(DeployCommand, ARefAndAReleaseExcludeEachOther) {
  TestHttpServer server({});
  auto result = run_cli(server.url(), {"deploy", "hello", "--ref", "main", "--release", "2"});
  EXPECT_EQ(result.status, kExitUsage);
  EXPECT_TRUE(server.requests().empty());
}

TEST(DeployCommand, WaitShowsTheLogAndExitsWithTheResult) {
  TestHttpServer server({
      http_answer(201, deployment("queued")),
      http_answer(200, deployment("running")),
      log_answer("starting web.1\n", 15, 15),
      http_answer(200, deployment("failed", "health check failed: GET / answered 500")),
      log_answer("web.1 unhealthy", 30, 30),
  });
  auto result = run_cli(server.url(), {"deploy", "hello", "--wait"});
  EXPECT_EQ(result.status, kExitFailure) << result.err;
  EXPECT_EQ(result.out,
            "starting web.1\nweb.1 unhealthy\n"
            "deployment 9 (hello, release 3 → production): failed after 4.2s — health check failed: GET / "
            "answered 500\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(body_of(requests[0]), "{}");
  EXPECT_TRUE(requests[1].starts_with("GET /api/v1/deployments/9 HTTP/1.1\r\n")) << requests[1];
  EXPECT_TRUE(requests[2].starts_with("GET /api/v1/deployments/9/log?offset=0 HTTP/1.1\r\n")) << requests[2];
  EXPECT_TRUE(requests[4].starts_with("GET /api/v1/deployments/9/log?offset=15 HTTP/1.1\r\n")) << requests[4];
}

TEST(RollbackCommand, ASupersededDeploymentExitsThree) {
  std::string rollback = deployment("superseded", "superseded by deployment 10");
  TestHttpServer server({http_answer(201, deployment("queued")), http_answer(200, rollback),
                         log_answer("", 0, 0)});
  auto result = run_cli(server.url(), {"rollback", "hello", "--to", "2", "--wait"});
  EXPECT_EQ(result.status, kExitCancelled) << result.err;
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_TRUE(requests[0].starts_with("POST /api/v1/apps/hello/rollback HTTP/1.1\r\n"));
  EXPECT_EQ(nlohmann::json::parse(body_of(requests[0])), (nlohmann::json{{"to", 2}}));
}

TEST(DeployCommand, ReportsTheDaemonsError) {
  TestHttpServer server(
      {http_answer(404, R"({"error": {"status": 404, "message": "hello has no release 7"}})")});
  auto result = run_cli(server.url(), {"deploy", "hello", "--release", "7"});
  EXPECT_EQ(result.status, kExitFailure);
  EXPECT_EQ(result.err, "slipway: hello has no release 7\n");
}

}  // namespace
}  // namespace slipway::cli
