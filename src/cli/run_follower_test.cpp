// Tests of following a run's event stream: resuming with Last-Event-ID and bounded retries.
#include "cli/run_follower.h"

#include <gtest/gtest.h>

#include "cli/test_http_server.h"

namespace slipway::cli {
namespace {

using testing::http_answer;
using testing::TestHttpServer;

constexpr const char* kStreamHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

// One chunk of a chunked body.
std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

FollowOptions fast_retries(std::vector<std::string>* reconnects) {
  FollowOptions options;
  options.retry_delays = {std::chrono::milliseconds(1), std::chrono::milliseconds(1)};
  options.idle_timeout = std::chrono::seconds(5);
  options.on_reconnect = [reconnects](int, const std::string& why) { reconnects->push_back(why); };
  return options;
}

ApiClient client_for(const std::string& url) {
  return std::move(ApiClient::create(ClientSettings{url, "", ""}).value());
}

TEST(FollowRun, ResumesAfterADroppedConnectionWithTheLastEventId) {
  // The first stream breaks mid-body (no final chunk); the second finishes the run.
  TestHttpServer server({
      std::string(kStreamHead) + chunk("event: run\ndata: {\"id\": 7}\n\n") +
          chunk("id: o=0,5\nevent: log\ndata: {\"step\": 1, \"text\": \"a\\n\"}\n\n: ping\n\n"),
      std::string(kStreamHead) + chunk("event: run\ndata: {\"id\": 7}\n\n") +
          chunk("id: o=0,7\nevent: log\ndata: {\"step\": 1, \"text\": \"b\\n\"}\n\n") +
          chunk("id: o=0,7\nevent: end\ndata: {\"id\": 7, \"status\": \"success\"}\n\n") + chunk(""),
  });
  std::vector<std::string> reconnects;
  std::vector<std::string> seen;
  nlohmann::json run = follow_run(
      client_for(server.url()), 7,
      [&](const SseEvent& event) { seen.push_back(event.event + " " + event.id); },
      fast_retries(&reconnects));

  EXPECT_EQ(run["status"], "success");
  EXPECT_EQ(seen, (std::vector<std::string>{"run ", "log o=0,5", "run ", "log o=0,7", "end o=0,7"}));
  EXPECT_EQ(reconnects.size(), 1u);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[0].starts_with("GET /api/v1/runs/7/events HTTP/1.1\r\n"));
  EXPECT_NE(requests[0].find("Accept: text/event-stream\r\n"), std::string::npos);
  EXPECT_EQ(requests[0].find("Last-Event-ID"), std::string::npos);
  EXPECT_NE(requests[1].find("Last-Event-ID: o=0,5\r\n"), std::string::npos) << requests[1];
}

TEST(FollowRun, TreatsAStreamThatEndsWithoutEndAsDropped) {
  TestHttpServer server({
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
      "id: 1\nevent: run\ndata: {}\n\n",
      std::string(kStreamHead) + chunk("id: 2\nevent: end\ndata: {\"status\": \"failed\"}\n\n") + chunk(""),
  });
  std::vector<std::string> reconnects;
  nlohmann::json run = follow_run(
      client_for(server.url()), 3, [](const SseEvent&) {}, fast_retries(&reconnects));
  EXPECT_EQ(run["status"], "failed");
  ASSERT_EQ(reconnects.size(), 1u);
  EXPECT_EQ(reconnects[0], "the daemon closed the event stream before the run ended");
}

TEST(FollowRun, GivesUpAfterTheBoundedRetries) {
  // One stream that breaks, then the daemon is gone: two retries, then an error.
  TestHttpServer server({std::string(kStreamHead) + chunk("event: run\ndata: {}\n\n")});
  std::vector<std::string> reconnects;
  try {
    follow_run(
        client_for(server.url()), 7, [](const SseEvent&) {}, fast_retries(&reconnects));
    FAIL() << "no exception";
  } catch (const ConnectionError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("gave up following run 7 after 2 reconnection attempts"))
        << e.what();
  }
  EXPECT_EQ(reconnects.size(), 2u);
}

TEST(FollowRun, DoesNotRetryTheFirstConnectionOrApiErrors) {
  TestHttpServer server({http_answer(404, R"({"error": {"status": 404, "message": "no run 9"}})")});
  std::vector<std::string> reconnects;
  EXPECT_THROW(follow_run(
                   client_for(server.url()), 9, [](const SseEvent&) {}, fast_retries(&reconnects)),
               ApiError);
  // The server is gone now: the first connection fails at once.
  EXPECT_THROW(follow_run(
                   client_for(server.url()), 9, [](const SseEvent&) {}, fast_retries(&reconnects)),
               ConnectionError);
  EXPECT_TRUE(reconnects.empty());
}

}  // namespace
}  // namespace slipway::cli
