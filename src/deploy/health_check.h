// Health checks of a freshly started app instance: an HTTP GET that must answer 2xx, or a TCP
// connect when no path is configured. Blocking, on plain sockets with poll() timeouts, so a
// deployment can run it on its own thread.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/expected.h"

namespace slipway::deploy {

struct HealthProbe {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address, not a name
  int port = 0;
  std::string path;         // empty: a TCP connect is enough
  std::string host_header;  // empty: HOST:PORT
};

struct HealthResult {
  bool healthy = false;
  std::string detail;  // "HTTP 200 from /healthz", "HTTP 500 from /healthz", "connection refused",
                       // "timed out after 30s", "stopped: the process exited with status 1"
};

// A probe for an `http://HOST[:PORT]/PATH` URL (ssh targets' `health:`), HOST resolved to an
// address now; the Host header keeps the name. Only plain http: the probe speaks no TLS.
util::Expected<HealthProbe> probe_for_url(std::string_view url);

// One attempt: connect, send the request, read the status line, all within TIMEOUT.
HealthResult probe_once(const HealthProbe& probe, std::chrono::milliseconds timeout);

// Probes every 25 ms for the first 2 s, then every 100 ms backing off to 500 ms, until healthy or
// TIMEOUT has passed; then the result says "timed out after ..." and what the last attempt saw. STOP_REASON, when given, is asked before
// each attempt: a reason (say, the process died) ends the wait at once with "stopped: REASON".
HealthResult wait_healthy(const HealthProbe& probe, std::chrono::milliseconds timeout,
                          const std::function<std::optional<std::string>()>& stop_reason = {});

}  // namespace slipway::deploy
