#include "util/http_post.h"

#include <gtest/gtest.h>

#include "cli/test_http_server.h"

namespace slipway::util {
namespace {

using cli::testing::http_answer;
using cli::testing::TestHttpServer;

TEST(HttpPost, SendsHeadersAndBodyAndReturnsTheStatus) {
  TestHttpServer server({http_answer(503, "busy")});
  HttpPostRequest request;
  request.url = server.url() + "/hook";
  request.headers = {{"X-Test", "1"}, {"Content-Type", "application/json"}};
  request.body = std::string(2000, 'x');  // over 1 KiB: no "Expect: 100-continue" wait
  auto response = http_post(request);
  ASSERT_TRUE(response) << response.error();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "busy");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind("POST /hook HTTP/1.1\r\n", 0), 0u) << requests[0];
  EXPECT_NE(requests[0].find("X-Test: 1\r\n"), std::string::npos);
  EXPECT_EQ(requests[0].find("Expect:"), std::string::npos);
  EXPECT_NE(requests[0].find(std::string(2000, 'x')), std::string::npos);
}

TEST(HttpPost, NoAnswerIsAnError) {
  TestHttpServer server({});  // closes its socket at once: connection refused
  server.requests();
  HttpPostRequest request;
  request.url = server.url() + "/";
  request.timeout = std::chrono::milliseconds(2000);
  EXPECT_FALSE(http_post(request));
}

TEST(HttpPost, OnlyHttpAndHttps) {
  HttpPostRequest request;
  request.url = "file:///etc/passwd";
  EXPECT_FALSE(http_post(request));
}

}  // namespace
}  // namespace slipway::util
