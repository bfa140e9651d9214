// Tests of `slipway approve`, `slipway reject` and `slipway ssh-key` against a scripted daemon.
#include "cli/approval_commands.h"

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

std::string deployment(const std::string& status, const std::string& reason = "") {
  return nlohmann::json{{"id", 7},          {"app", "shop"},         {"environment", "production"},
                        {"kind", "deploy"}, {"release", 4},          {"status", status},
                        {"reason", reason}, {"trigger", "promotion"}, {"approved_by", "alice"}}
      .dump();
}

TEST(ApprovalCommands, ApproveSendsTheEnvironment) {
  TestHttpServer server({http_answer(200, deployment("queued"))});
  auto result = run_cli(server.url(), {"approve", "shop", "production"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out, "approved: deployment 7: release 4 → production (queued)\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].starts_with("POST /api/v1/apps/shop/approve HTTP/1.1\r\n")) << requests[0];
  EXPECT_EQ(nlohmann::json::parse(body_of(requests[0])), (nlohmann::json{{"environment", "production"}}));
}

TEST(ApprovalCommands, RejectKeepsTheReason) {
  TestHttpServer server({http_answer(200, deployment("cancelled", "rejected by alice: not today"))});
  auto result = run_cli(server.url(), {"reject", "shop", "production", "--reason", "not today"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out, "deployment 7: release 4 → production (cancelled)\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].starts_with("POST /api/v1/apps/shop/reject HTTP/1.1\r\n")) << requests[0];
  EXPECT_EQ(nlohmann::json::parse(body_of(requests[0])),
            (nlohmann::json{{"environment", "production"}, {"reason", "not today"}}));
}

TEST(ApprovalCommands, NothingWaitingIsAnError) {
  TestHttpServer server({http_answer(409, R"({"error": "nothing is waiting for approval in shop production"})")});
  auto result = run_cli(server.url(), {"approve", "shop", "production"});
  EXPECT_EQ(result.status, kExitFailure);
  EXPECT_NE(result.err.find("nothing is waiting for approval"), std::string::npos) << result.err;
}

TEST(SshKeyCommands, ShowPrintsTheKeyAloneForAuthorizedKeys) {
  const std::string answer = nlohmann::json{{"app", "shop"},
                                            {"public_key", "ssh-ed25519 AAAAC3Nza slipway@shop"},
                                            {"known_hosts", {"10.0.0.2 ssh-ed25519 AAAAhost"}}}
                                 .dump();
  TestHttpServer server({http_answer(200, answer), http_answer(200, answer)});
  auto result = run_cli(server.url(), {"ssh-key", "show", "shop"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out, "ssh-ed25519 AAAAC3Nza slipway@shop\n");
  auto known = run_cli(server.url(), {"ssh-key", "show", "shop", "--known-hosts"});
  EXPECT_EQ(known.out, "ssh-ed25519 AAAAC3Nza slipway@shop\n10.0.0.2 ssh-ed25519 AAAAhost\n");
  EXPECT_TRUE(server.requests()[0].starts_with("GET /api/v1/apps/shop/ssh-key HTTP/1.1\r\n")) << server.requests()[0];
}

TEST(SshKeyCommands, ForgetDeletesThePinnedKey) {
  TestHttpServer server({http_answer(200, R"({"forgotten": "10.0.0.2"})")});
  auto result = run_cli(server.url(), {"ssh-key", "forget", "shop", "10.0.0.2"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_TRUE(server.requests()[0].starts_with("DELETE /api/v1/apps/shop/ssh-key/known-hosts/10.0.0.2 HTTP/1.1\r\n"))
      << server.requests()[0];
}

}  // namespace
}  // namespace slipway::cli
