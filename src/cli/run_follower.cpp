// The reconnecting reader of a run's event stream.
#include "cli/run_follower.h"

#include <fmt/format.h>

#include <iostream>
#include <thread>

#include "util/error.h"

namespace slipway::cli {

nlohmann::json follow_run(const ApiClient& client, std::int64_t run_id,
                          const std::function<void(const SseEvent&)>& on_event,
                          const FollowOptions& options) {
  std::string path = fmt::format("/runs/{}/events", run_id);
  std::string cursor;  // the last event id seen, kept across connections
  bool connected_once = false;
  // Attempts in a row without progress. The `run` event every connection opens with
  // is no progress: a daemon that sends it and hangs up must not keep us forever.
  std::size_t failures = 0;

  for (;;) {
    std::string why;
    try {
      HttpConnection stream = client.open_event_stream(path, cursor);
      connected_once = true;
      SseReader reader;  // a new connection starts a new stream: no half event carries over
      bool first_event = true;
      while (auto piece = stream.read_body_some(options.idle_timeout)) {
        for (const SseEvent& event : reader.feed(*piece)) {
          if (!first_event) failures = 0;
          first_event = false;
          if (!event.id.empty()) cursor = event.id;
          on_event(event);
          if (event.event == "end") {
            try {
              return nlohmann::json::parse(event.data);
            } catch (const std::exception& e) {
              throw util::Error(fmt::format("bad 'end' event from slipway: {}", e.what()));
            }
          }
        }
      }
      why = "the daemon closed the event stream before the run ended";
    } catch (const ConnectionError& e) {
      if (!connected_once) throw;
      why = e.what();
    }

    if (failures >= options.retry_delays.size()) {
      throw ConnectionError(
          fmt::format("gave up following run {} after {} reconnection attempts: {}", run_id, failures, why));
    }
    auto delay = options.retry_delays[failures];
    ++failures;
    if (options.on_reconnect) {
      options.on_reconnect(static_cast<int>(failures), why);
    } else {
      std::cerr << fmt::format("slipway: reconnecting in {:.1f}s ({}/{}): {}\n", delay.count() / 1000.0,
                               failures, options.retry_delays.size(), why);
    }
    std::this_thread::sleep_for(delay);
  }
}

}  // namespace slipway::cli
