// The ways of watching a run to its end.
#include "cli/run_watch.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/command_context.h"
#include "cli/exit_status.h"
#include "cli/json_fields.h"
#include "cli/live_view.h"
#include "cli/run_follower.h"
#include "cli/run_report.h"
#include "util/clock.h"
#include "util/error.h"

namespace slipway::cli {

namespace {

// One event per line, for scripts that want the live stream (`logs -f --json`).
void print_event_line(const SseEvent& event) {
  nlohmann::json line = {{"event", event.event}, {"id", event.id}};
  try {
    line["data"] = nlohmann::json::parse(event.data);
  } catch (const std::exception&) {
    line["data"] = event.data;
  }
  std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n" << std::flush;
}

}  // namespace

int watch_run(CommandContext& context, std::int64_t run_id, WatchMode mode, std::optional<int> only_step) {
  const ApiClient& client = context.client();
  nlohmann::json run;
  if (mode == WatchMode::follow && context.json()) {
    run = follow_run(client, run_id, print_event_line);
  } else if (mode == WatchMode::follow) {
    LiveView view(std::cout, LiveViewOptions{context.colour(), only_step, {}});
    run = follow_run(client, run_id, [&view](const SseEvent& event) { view.on_event(event); });
  } else {
    FollowOptions quiet;  // a wait says nothing until the end, reconnections included
    quiet.on_reconnect = [](int, const std::string&) {};
    run = follow_run(
        client, run_id, [](const SseEvent&) {}, quiet);
  }

  std::string status = text_of(run, "status");
  // The daemon ends the stream with an empty run when the run was deleted meanwhile.
  if (status.empty())
    throw util::Error(fmt::format("run {} was deleted while it was being followed", run_id));
  if (mode == WatchMode::wait && context.json()) {
    context.print_json(run);
  } else if (mode == WatchMode::wait) {
    std::cout << summary_line(run, context.colour(), util::now_ms()) << "\n";
  }
  return exit_status_for_run(status);
}

}  // namespace slipway::cli
