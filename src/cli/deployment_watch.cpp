// Polling a deployment and its log until it ends.
#include "cli/deployment_watch.h"

#include <fmt/format.h>

#include <iostream>
#include <thread>

#include "cli/command_context.h"
#include "cli/deployment_report.h"
#include "cli/exit_status.h"
#include "cli/json_fields.h"
#include "util/clock.h"

namespace slipway::cli {

std::uint64_t read_log_from(const ApiClient& client, const std::string& path, std::uint64_t offset,
                            const std::function<void(std::string_view)>& on_text) {
  for (;;) {
    LogChunk chunk = client.get_log(path, {{"offset", std::to_string(offset)}});
    if (chunk.text.empty() || chunk.end <= offset) return offset;
    on_text(chunk.text);
    offset = chunk.end;
    if (offset >= chunk.size) return offset;
  }
}

nlohmann::json poll_deployment(const ApiClient& client, std::int64_t id, const DeploymentPollOptions& options) {
  std::string path = fmt::format("/deployments/{}", id);
  std::uint64_t offset = 0;
  for (;;) {
    nlohmann::json deployment = client.get(path).body;
    if (options.on_log) offset = read_log_from(client, path + "/log", offset, options.on_log);
    if (is_finished_status(text_of(deployment, "status"))) return deployment;
    std::this_thread::sleep_for(options.interval);
  }
}

int watch_deployment(CommandContext& context, std::int64_t id) {
  DeploymentPollOptions options;
  bool line_open = false;  // the log so far ends without a newline
  if (!context.json()) {
    options.on_log = [&line_open](std::string_view text) {
      std::cout << text << std::flush;
      line_open = text.back() != '\n';
    };
  }
  nlohmann::json deployment = poll_deployment(context.client(), id, options);
  if (context.json()) {
    context.print_json(deployment);
  } else {
    if (line_open) std::cout << "\n";
    std::cout << deployment_summary(deployment, context.colour(), util::now_ms()) << "\n";
  }
  return exit_status_for_deployment(text_of(deployment, "status"));
}

}  // namespace slipway::cli
