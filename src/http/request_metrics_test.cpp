#include "http/request_metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace slipway::http {
namespace {

using namespace std::chrono_literals;

Request request(beast_http::verb method, const std::string& path) {
  Request r;
  r.raw.method(method);
  r.path = path;
  return r;
}

TEST(RequestMetrics, HandlerIsACoarseRouteNotThePath) {
  EXPECT_EQ(handler_of("/api/v1/runs/12"), "api");
  EXPECT_EQ(handler_of("/api/v1"), "api");
  EXPECT_EQ(handler_of("/api/v10"), "other");
  EXPECT_EQ(handler_of("/git/app.git/info/refs"), "git");
  EXPECT_EQ(handler_of("/hooks/github/app"), "hooks");
  EXPECT_EQ(handler_of("/metrics"), "metrics");
  EXPECT_EQ(handler_of("/"), "dashboard");
  EXPECT_EQ(handler_of("/assets/app.js"), "dashboard");
  EXPECT_EQ(handler_of("/some/unknown/thing"), "other");
}

TEST(RequestMetrics, UnknownMethodsShareOneLabel) {
  EXPECT_EQ(method_label(beast_http::verb::get), "GET");
  EXPECT_EQ(method_label(beast_http::verb::delete_), "DELETE");
  EXPECT_EQ(method_label(beast_http::verb::unknown), "other");
  EXPECT_EQ(method_label(beast_http::verb::propfind), "other");
}

TEST(RequestMetrics, CountsByHandlerMethodAndCode) {
  RequestMetrics metrics;
  metrics.answered(request(beast_http::verb::get, "/api/v1/runs"), 200, 3ms);
  metrics.answered(request(beast_http::verb::get, "/api/v1/runs/1"), 200, 20ms);
  metrics.answered(request(beast_http::verb::post, "/api/v1/projects"), 401, 1ms);
  metrics.streamed("git");
  MetricsText out;
  metrics.write(out);
  const auto& text = out.text();
  EXPECT_NE(text.find("# TYPE slipway_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("slipway_http_requests_total{handler=\"api\",method=\"GET\",code=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("slipway_http_requests_total{handler=\"api\",method=\"POST\",code=\"401\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("slipway_http_request_duration_seconds_bucket{handler=\"api\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("slipway_http_request_duration_seconds_count{handler=\"api\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("slipway_http_request_duration_seconds_count{handler=\"metrics\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("slipway_http_streams_total{handler=\"git\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("slipway_http_streams_total{handler=\"api\"} 0\n"), std::string::npos);
}

TEST(RequestMetrics, SafeFromSeveralThreads) {
  RequestMetrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) metrics.answered(request(beast_http::verb::get, "/metrics"), 200, 1ms);
    });
  }
  for (auto& thread : threads) thread.join();
  MetricsText out;
  metrics.write(out);
  EXPECT_NE(
      out.text().find("slipway_http_requests_total{handler=\"metrics\",method=\"GET\",code=\"200\"} 4000\n"),
      std::string::npos);
}

}  // namespace
}  // namespace slipway::http
