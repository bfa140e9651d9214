// What the HTTP server counts for /metrics: requests per handler, method and
// status code, their handling time, and connections handed to a streaming
// handler. In memory (since the daemon started); safe to use from any thread.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "http/metrics_text.h"
#include "http/request.h"

namespace slipway::http {

// The coarse route a path belongs to, the `handler` label: api, dashboard,
// git, hooks, metrics or other. Never the path itself, which would make a
// series per URL.
std::string_view handler_of(std::string_view path);
// The method as a label: the standard ones by name, anything else "other".
std::string_view method_label(beast_http::verb method);

class RequestMetrics {
 public:
  RequestMetrics();

  // A request the server answered with STATUS after TOOK.
  void answered(const Request& request, unsigned status, std::chrono::steady_clock::duration took);
  // A connection handed over to a streaming handler (git smart HTTP, event streams).
  void streamed(std::string_view handler);

  // slipway_http_requests_total, slipway_http_request_duration_seconds and
  // slipway_http_streams_total.
  void write(MetricsText& out) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, unsigned>, std::int64_t> requests_;  // handler, method, code
  std::map<std::string, Histogram> durations_;                                       // by handler
  std::map<std::string, std::int64_t> streams_;                                      // by handler
};

}  // namespace slipway::http
