// Tests of the API client against a scripted local HTTP server: requests, errors, refusal.
#include "cli/api_client.h"

#include <gtest/gtest.h>

#include "cli/test_http_server.h"

namespace slipway::cli {
namespace {

using testing::http_answer;
using testing::TestHttpServer;

ApiClient client_for(const std::string& url, const std::string& token = "") {
  auto client = ApiClient::create(ClientSettings{url, token, token.empty() ? "" : "--token"});
  if (!client) throw std::runtime_error(client.error());
  return std::move(client.value());
}

TEST(ApiClient, SendsTheTokenAndParsesJson) {
  TestHttpServer server({http_answer(200, R"({"runs": [], "next_before": null})")});
  ApiResponse response =
      client_for(server.url() + "/ci", "slw_abc").get("/runs", {{"branch", "release/1.0"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body["runs"].is_array());

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].starts_with("GET /ci/api/v1/runs?branch=release%2F1.0 HTTP/1.1\r\n"))
      << requests[0];
  EXPECT_NE(requests[0].find("Authorization: Bearer slw_abc\r\n"), std::string::npos) << requests[0];
}

TEST(ApiClient, PostsJson) {
  TestHttpServer server({http_answer(201, R"({"id": 8})")});
  ApiResponse response = client_for(server.url()).post("/projects/hello/runs", {{"ref", "main"}});
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body["id"], 8);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].starts_with("POST /api/v1/projects/hello/runs HTTP/1.1\r\n"));
  EXPECT_NE(requests[0].find("Content-Type: application/json"), std::string::npos);
  EXPECT_TRUE(requests[0].ends_with(R"({"ref":"main"})")) << requests[0];
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(ApiClient, AcceptsNoContent) {
  TestHttpServer server({"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"});
  ApiResponse response = client_for(server.url(), "t").del("/projects/hello");
  EXPECT_EQ(response.status, 204);
  EXPECT_TRUE(response.body.is_null());
}

TEST(ApiClient, TurnsErrorAnswersIntoTheDaemonsMessage) {
  TestHttpServer server({http_answer(404, R"({"error": {"status": 404, "message": "no run 42"}})")});
  try {
    client_for(server.url()).get("/runs/42");
    FAIL() << "no exception";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_STREQ(e.what(), "no run 42");
  }
}

TEST(ApiClient, SaysWhereATokenIsMissing) {
  TestHttpServer server({http_answer(401, R"({"error": {"status": 401, "message": "token required"}})")});
  try {
    client_for(server.url()).get("/tokens");
    FAIL() << "no exception";
  } catch (const ApiError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("token required (no token: pass --token")) << e.what();
  }
}

TEST(ApiClient, ReportsAnswersThatAreNotSlipways) {
  TestHttpServer server({http_answer(502, "<html>Bad Gateway</html>", "text/html"),
                         http_answer(200, "<html>hi</html>", "text/html")});
  ApiClient client = client_for(server.url());
  try {
    client.get("/runs");
    FAIL() << "no exception";
  } catch (const ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("answered 502 to GET /api/v1/runs: <html>Bad Gateway</html>"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(client.get("/runs"), util::Error);
}

TEST(ApiClient, ReadsTextResources) {
  TestHttpServer server({http_answer(200, "line 1\nline 2\n", "text/plain")});
  EXPECT_EQ(client_for(server.url()).get_text("/runs/7/steps/1/log"), "line 1\nline 2\n");
}

TEST(ApiClient, SaysWhenTheDaemonIsNotRunning) {
  std::string url;
  {
    TestHttpServer server({});  // listens, then closes: its port is now refused
    url = server.url();
    server.requests();
  }
  try {
    client_for(url).get("/runs");
    FAIL() << "no exception";
  } catch (const ConnectionError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot reach slipway at " + url + ": connection refused — is `slipway serve` running?");
  }
}

TEST(ApiClient, RefusesABadUrl) { EXPECT_FALSE(ApiClient::create(ClientSettings{"https://x", "", ""})); }

}  // namespace
}  // namespace slipway::cli
