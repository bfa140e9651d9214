// Following a run to its end over GET /runs/ID/events: reads the stream as it
// arrives, hands each event on, and when the connection drops reconnects with
// Last-Event-ID so the daemon resumes exactly where the stream broke.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli/api_client.h"
#include "cli/sse_reader.h"

namespace slipway::cli {

struct FollowOptions {
  // Waits before each reconnection; their count bounds the attempts in a row. About
  // half a minute in all: enough for the daemon to restart after its 10 s stop grace.
  std::vector<std::chrono::milliseconds> retry_delays = {
      std::chrono::milliseconds(500), std::chrono::seconds(1), std::chrono::seconds(2),
      std::chrono::seconds(4),        std::chrono::seconds(8), std::chrono::seconds(8),
      std::chrono::seconds(8)};
  // The daemon pings every 15 s, so this much silence means a dead connection.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(45);
  // Told about each reconnection (attempt, why); a message on stderr by default.
  std::function<void(int attempt, const std::string& why)> on_reconnect;
};

// Streams run RUN_ID's events into ON_EVENT until the `end` event and returns the
// finished run it carries. The first connection is not retried (a daemon that is
// not running is reported at once); API errors (404 no run) are never retried.
nlohmann::json follow_run(const ApiClient& client, std::int64_t run_id,
                          const std::function<void(const SseEvent&)>& on_event,
                          const FollowOptions& options = {});

}  // namespace slipway::cli
