// The logs command: GET /runs/ID/steps/INDEX/log per step, or the live event stream.
#include "cli/log_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/command_context.h"
#include "cli/exit_status.h"
#include "cli/human_format.h"
#include "cli/json_fields.h"
#include "cli/run_report.h"
#include "cli/run_watch.h"
#include "cli/terminal.h"
#include "util/clock.h"
#include "util/strings.h"

namespace slipway::cli {

namespace {

struct LogOptions {
  std::int64_t run_id = 0;
  bool follow = false;
  std::string step;  // a name or an index; empty: all steps
};

// The index of the step that SELECTOR names (by index or by name) in RUN.
int find_step(const nlohmann::json& run, const std::string& selector) {
  std::vector<std::string> names;
  unsigned long long wanted = 0;
  bool by_index = util::parse_uint(selector, wanted);
  for (const auto& step : array_of(run, "steps")) {
    std::int64_t index = integer_of(step, "index", -1);
    std::string name = text_of(step, "name");
    if ((by_index && index == static_cast<std::int64_t>(wanted)) || (!by_index && name == selector)) {
      return static_cast<int>(index);
    }
    names.push_back(printable(name));
  }
  throw UsageError(fmt::format("run {} has no step '{}' (its steps: {})", integer_of(run, "id", 0),
                               printable(selector), util::join(names, ", ")));
}

// The whole log of a step. The daemon answers at most a chunk at a time, so
// ask again from where the last answer ended until the step's size is reached.
std::string read_step_log(CommandContext& context, std::int64_t run_id, const nlohmann::json& step) {
  std::int64_t index = integer_of(step, "index", 0);
  std::int64_t size = integer_of(step, "log_size", -1);
  std::string path = fmt::format("/runs/{}/steps/{}/log", run_id, index);
  std::string text;
  while (true) {
    std::string chunk = context.client().get_text(path, {{"offset", std::to_string(text.size())}});
    if (chunk.empty()) break;
    text += chunk;
    if (size >= 0 && static_cast<std::int64_t>(text.size()) >= size) break;
  }
  return text;
}

// Whether a step has anything to show: it started, or the daemon has log bytes for it.
bool has_log(const nlohmann::json& step) {
  std::int64_t size = integer_of(step, "log_size", -1);
  return size > 0 || (size < 0 && text_of(step, "status") != "pending");
}

int print_logs(CommandContext& context, const nlohmann::json& run, std::optional<int> only_step) {
  std::vector<const nlohmann::json*> steps;
  for (const auto& step : array_of(run, "steps")) {
    bool chosen = only_step ? integer_of(step, "index", -1) == *only_step : has_log(step);
    if (chosen) steps.push_back(&step);
  }

  std::int64_t run_id = integer_of(run, "id", 0);
  std::int64_t now = util::now_ms();
  nlohmann::json logs = nlohmann::json::array();
  for (const nlohmann::json* step : steps) {
    std::int64_t index = integer_of(*step, "index", 0);
    std::string text = read_step_log(context, run_id, *step);
    if (context.json()) {
      logs.push_back({{"index", index},
                      {"name", text_of(*step, "name")},
                      {"status", text_of(*step, "status")},
                      {"log", text}});
      continue;
    }
    if (steps.size() > 1) {
      std::string status = text_of(*step, "status");
      std::cout << paint("==> ", Colour::bold, context.colour()) << printable(text_of(*step, "name")) << ": "
                << paint(status, status_colour(status), context.colour()) << step_outcome(*step, now) << "\n";
    }
    std::cout << text;
    if (!text.empty() && text.back() != '\n') std::cout << "\n";
  }
  if (context.json()) context.print_json({{"run", run_id}, {"steps", logs}});
  return kExitSuccess;
}

int show_logs(CommandContext& context, const LogOptions& options) {
  std::optional<int> only_step;
  nlohmann::json run;
  if (!options.step.empty() || !options.follow) {
    run = context.client().get(fmt::format("/runs/{}", options.run_id)).body;
    if (!options.step.empty()) only_step = find_step(run, options.step);
  }
  if (options.follow) return watch_run(context, options.run_id, WatchMode::follow, only_step);
  return print_logs(context, run, only_step);
}

}  // namespace

void add_log_commands(CLI::App& app, CommandSet& commands) {
  auto options = std::make_shared<LogOptions>();
  CLI::App* logs = app.add_subcommand("logs", "Show a run's step logs");
  logs->add_option("RUN", options->run_id, "Run id")->required();
  logs->add_flag("-f,--follow", options->follow,
                 "Follow the run live, each line prefixed by its step, until it ends; then exit with the "
                 "run's status (0 success or skipped, 1 failed, 3 cancelled or interrupted)");
  logs->add_option("--step", options->step, "Only this step, by name or index (0 is setup)");
  logs->footer(
      "With --json: {\"run\", \"steps\": [{\"index\", \"name\", \"status\", \"log\"}]}, or with -f one JSON "
      "object per event: {\"event\", \"id\", \"data\"}.");
  commands.add(logs, [options](CommandContext& context) { return show_logs(context, *options); });
}

}  // namespace slipway::cli
