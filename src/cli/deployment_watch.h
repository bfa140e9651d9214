// Watching a deployment to its end: GET /deployments/ID every 300 ms, and after each
// look the new part of its log from GET /deployments/ID/log?offset= (the X-Log-End of
// the answer before). Polling keeps it simple; a deployment lasts seconds to minutes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cli/api_client.h"

namespace slipway::cli {

class CommandContext;

struct DeploymentPollOptions {
  std::chrono::milliseconds interval{300};
  // Handed each new piece of the log; the log is not read when empty.
  std::function<void(std::string_view)> on_log;
};

// Reads the log at PATH from OFFSET to its current end, a chunk per request,
// handing each to ON_TEXT; returns the offset after the last byte read.
std::uint64_t read_log_from(const ApiClient& client, const std::string& path, std::uint64_t offset,
                            const std::function<void(std::string_view)>& on_text);

// Polls deployment ID until its status is final and returns it. Its whole log has
// been handed to OPTIONS.on_log by then: the log is read after each status.
nlohmann::json poll_deployment(const ApiClient& client, std::int64_t id,
                               const DeploymentPollOptions& options = {});

// What `deploy --wait`, `rollback --wait` and `deployment logs -f` do: the log as it
// comes, then the summary line (or with --json only the finished deployment).
// Returns the exit status for the deployment's result.
int watch_deployment(CommandContext& context, std::int64_t id);

}  // namespace slipway::cli
