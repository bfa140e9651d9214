// Tests of `slipway config` and `slipway ps scale` against a scripted daemon:
// what they send, what they print, and arguments refused before anything is sent.
#include "cli/config_commands.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/exit_status.h"
#include "cli/test_cli_run.h"
#include "cli/test_http_server.h"

namespace slipway::cli {
namespace {

using testing::body_of;
using testing::http_answer;
using testing::run_cli;
using testing::TestHttpServer;

constexpr const char* kChanged =
    R"({"version": 4, "deployments": [{"id": 12, "environment": "production", "status": "queued"}]})";

TEST(ConfigCommand, SetsValuesAndSaysWhatRedeploys) {
  TestHttpServer server({http_answer(200, kChanged)});
  auto result = run_cli(server.url(), {"config", "set", "hello", "DATABASE_URL=postgres://h/db?a=b", "DEBUG="});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out, "config version 4; redeploying: deployment 12 (production)\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].starts_with("PUT /api/v1/apps/hello/config HTTP/1.1\r\n")) << requests[0];
  EXPECT_NE(requests[0].find("Content-Type: application/json"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(body_of(requests[0])),
            (nlohmann::json{{"set", {{"DATABASE_URL", "postgres://h/db?a=b"}, {"DEBUG", ""}}}, {"secret", false}}));
}

TEST(ConfigCommand, UnsetsKeys) {
  TestHttpServer server({http_answer(200, R"({"version": 5, "deployments": []})")});
  auto result = run_cli(server.url(), {"config", "unset", "hello", "A", "B"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out, "config version 5; not deployed anywhere yet, nothing to redeploy\n");
  EXPECT_EQ(nlohmann::json::parse(body_of(server.requests().at(0))),
            (nlohmann::json{{"unset", {"A", "B"}}}));
}

TEST(ConfigCommand, RefusesABadKeyBeforeSendingAnything) {
  TestHttpServer server({});
  auto result = run_cli(server.url(), {"config", "set", "hello", "GOOD=1", "BAD-KEY=2"});
  EXPECT_EQ(result.status, kExitUsage);
  EXPECT_EQ(result.err,
            "slipway: 'BAD-KEY' is not a valid config key: letters, digits and '_', not starting with a digit\n");
  EXPECT_EQ(run_cli(server.url(), {"config", "set", "hello", "NOVALUE"}).status, kExitUsage);
  EXPECT_EQ(run_cli(server.url(), {"config", "unset", "hello", "1X"}).status, kExitUsage);
  EXPECT_TRUE(server.requests().empty());
}

TEST(ConfigCommand, NeverPrintsASecret) {
  TestHttpServer server({
      http_answer(200, R"({"key": "TOKEN", "value": "leaked-by-a-bug", "secret": true})"),
      http_answer(200, R"({"version": 3, "config": [{"key": "TOKEN", "value": "leaked", "secret": true},
                                                    {"key": "MODE", "value": "fast", "secret": false}]})"),
  });
  auto get = run_cli(server.url(), {"config", "get", "hello", "TOKEN"});
  EXPECT_EQ(get.status, kExitSuccess) << get.err;
  EXPECT_EQ(get.out, "****\n");
  auto list = run_cli(server.url(), {"config", "list", "hello"});
  EXPECT_EQ(list.out,
            "config version 3\n"
            "KEY    VALUE\n"
            "TOKEN  **** (secret)\n"
            "MODE   fast\n");
  EXPECT_TRUE(server.requests().at(0).starts_with("GET /api/v1/apps/hello/config/TOKEN HTTP/1.1\r\n"));
}

TEST(PsScaleCommand, SendsTheCounts) {
  TestHttpServer server({http_answer(
      200, R"({"formation": {"web": 3, "worker": 1}, "deployments": [{"id": 14, "environment": "production"}]})")});
  auto result = run_cli(server.url(), {"ps", "scale", "hello", "web=3", "worker=1"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out, "formation: web=3 worker=1; scaling: deployment 14 (production)\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].starts_with("PUT /api/v1/apps/hello/ps HTTP/1.1\r\n")) << requests[0];
  EXPECT_EQ(nlohmann::json::parse(body_of(requests[0])), (nlohmann::json{{"scale", {{"web", 3}, {"worker", 1}}}}));
}

TEST(PsScaleCommand, RefusesTooManyInstances) {
  TestHttpServer server({});
  auto result = run_cli(server.url(), {"ps", "scale", "hello", "web=21"});
  EXPECT_EQ(result.status, kExitUsage);
  EXPECT_EQ(result.err, "slipway: web=21: at most 20 instances per process\n");
  EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace slipway::cli
