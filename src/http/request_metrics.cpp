#include "http/request_metrics.h"

namespace slipway::http {

namespace {

const std::vector<double> kRequestBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string_view handler_of(std::string_view path) {
  if (path == "/api/v1" || starts_with(path, "/api/v1/")) return "api";
  if (starts_with(path, "/git/")) return "git";
  if (starts_with(path, "/hooks/")) return "hooks";
  if (path == "/metrics") return "metrics";
  if (path == "/" || path == "/index.html" || starts_with(path, "/assets/")) return "dashboard";
  return "other";
}

std::string_view method_label(beast_http::verb method) {
  using verb = beast_http::verb;
  switch (method) {
    case verb::get:
    case verb::head:
    case verb::post:
    case verb::put:
    case verb::patch:
    case verb::delete_:
    case verb::options: {
      auto name = beast_http::to_string(method);
      return {name.data(), name.size()};
    }
    default:
      return "other";  // beast keeps unknown methods' text: a client could make a series per word
  }
}

RequestMetrics::RequestMetrics() {
  // The handlers' series exist from the start, so a rate over them has a beginning.
  for (const char* handler : {"api", "dashboard", "hooks", "metrics", "other"}) {
    durations_.emplace(handler, Histogram::with_bounds(kRequestBounds));
  }
  for (const char* handler : {"api", "git"}) streams_.emplace(handler, 0);
}

void RequestMetrics::answered(const Request& request, unsigned status,
                              std::chrono::steady_clock::duration took) {
  std::string handler(handler_of(request.path));
  std::string method(method_label(request.method()));
  const double seconds = std::chrono::duration<double>(took).count();
  std::lock_guard lock(mutex_);
  ++requests_[{handler, method, status}];
  auto [it, added] = durations_.try_emplace(handler, Histogram::with_bounds(kRequestBounds));
  it->second.observe(seconds);
}

void RequestMetrics::streamed(std::string_view handler) {
  std::lock_guard lock(mutex_);
  ++streams_[std::string(handler)];
}

void RequestMetrics::write(MetricsText& out) const {
  std::lock_guard lock(mutex_);
  out.family("slipway_http_requests_total", "counter",
             "HTTP requests answered since the daemon started, by handler, method and status code.");
  for (const auto& [key, count] : requests_) {
    const auto& [handler, method, code] = key;
    out.sample("slipway_http_requests_total",
               {{"handler", handler}, {"method", method}, {"code", std::to_string(code)}},
               static_cast<double>(count));
  }
  out.family("slipway_http_request_duration_seconds", "histogram",
             "Time from a request's last byte to its response being ready, by handler.");
  for (const auto& [handler, histogram] : durations_) {
    out.histogram("slipway_http_request_duration_seconds", {{"handler", handler}}, histogram);
  }
  out.family(
      "slipway_http_streams_total", "counter",
      "Connections handed to a streaming handler (git smart HTTP, event streams) since the daemon started.");
  for (const auto& [handler, count] : streams_) {
    out.sample("slipway_http_streams_total", {{"handler", handler}}, static_cast<double>(count));
  }
}

}  // namespace slipway::http
