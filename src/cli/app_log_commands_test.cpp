// Tests of `slipway app logs` against a scripted daemon: tails of every process
// merged by time, a tail that starts mid-line, and a single process.
#include "cli/app_log_commands.h"

#include <gtest/gtest.h>

#include "cli/exit_status.h"
#include "cli/test_cli_run.h"
#include "cli/test_http_server.h"

namespace slipway::cli {
namespace {

using testing::http_answer;
using testing::log_answer;
using testing::run_cli;
using testing::TestHttpServer;

TEST(AppLogsCommand, MergesTheTailsOfEveryProcessByTime) {
  std::string web =
      "web.1 | cut by the tail\n"
      "2026-11-26T10:00:01.000Z web.1 | GET /\n"
      "2026-11-26T10:00:03.000Z web.1 | GET /about\n";
  std::string worker =
      "2026-11-26T10:00:00.500Z worker.1 | tick\n"
      "2026-11-26T10:00:02.000Z worker.1 | tick\n";
  TestHttpServer server({
      http_answer(200, R"({"processes": ["web", "worker"]})"),
      log_answer(web, 70000, 70000),  // the last bytes of a longer log
      log_answer(worker, worker.size(), worker.size()),
  });
  auto result = run_cli(server.url(), {"app", "logs", "hello", "-n", "3"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out,
            "2026-11-26T10:00:01.000Z web.1 | GET /\n"
            "2026-11-26T10:00:02.000Z worker.1 | tick\n"
            "2026-11-26T10:00:03.000Z web.1 | GET /about\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_TRUE(requests[0].starts_with("GET /api/v1/apps/hello/logs HTTP/1.1\r\n")) << requests[0];
  EXPECT_NE(requests[0].find("Accept: application/json"), std::string::npos);
  EXPECT_TRUE(requests[1].starts_with("GET /api/v1/apps/hello/logs?process=web&tail=65536 HTTP/1.1\r\n"))
      << requests[1];
  EXPECT_TRUE(requests[2].starts_with("GET /api/v1/apps/hello/logs?process=worker&tail=65536 HTTP/1.1\r\n"));
}

TEST(AppLogsCommand, ShowsOneProcess) {
  std::string log = "2026-11-26T10:00:01.000Z web.1 | up\n";
  TestHttpServer server({log_answer(log, log.size(), log.size())});
  auto result = run_cli(server.url(), {"app", "logs", "hello", "--process", "web"});
  EXPECT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_EQ(result.out, "2026-11-26T10:00:01.000Z web.1 | up\n");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(AppLogsCommand, SaysWhenThereAreNoLogs) {
  TestHttpServer server({http_answer(200, R"({"processes": []})")});
  auto result = run_cli(server.url(), {"app", "logs", "hello"});
  EXPECT_EQ(result.status, kExitSuccess);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "slipway: hello has no process logs yet; deploy it with: slipway deploy hello\n");
}

}  // namespace
}  // namespace slipway::cli
