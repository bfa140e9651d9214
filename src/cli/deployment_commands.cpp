// The deployment commands: GET /apps/APP/deployments, /deployments/ID and its log.
#include "cli/deployment_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/app_paths.h"
#include "cli/command_context.h"
#include "cli/deployment_report.h"
#include "cli/deployment_watch.h"
#include "cli/exit_status.h"
#include "cli/json_fields.h"
#include "util/clock.h"

namespace slipway::cli {

namespace {

struct ListOptions {
  std::string app;
  std::string environment;
  int limit = 0;
};

struct LogOptions {
  std::int64_t id = 0;
  bool follow = false;
};

std::string deployment_path(std::int64_t id, std::string_view what = "") {
  return fmt::format("/deployments/{}{}", id, what);
}

int list_deployments(CommandContext& context, const ListOptions& options) {
  Query query;
  if (!options.environment.empty()) query.emplace_back("environment", options.environment);
  if (options.limit > 0) query.emplace_back("limit", std::to_string(options.limit));
  nlohmann::json answer = context.client().get(app_path(options.app, "/deployments"), query).body;
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  const nlohmann::json& deployments = array_of(answer, "deployments");
  if (deployments.empty()) {
    std::cout << fmt::format("no deployments yet; deploy with: slipway deploy {}\n", options.app);
    return kExitSuccess;
  }
  std::cout << deployments_table(deployments, context.colour(), util::now_ms());
  return kExitSuccess;
}

int show_deployment(CommandContext& context, std::int64_t id) {
  nlohmann::json deployment = context.client().get(deployment_path(id)).body;
  if (context.json()) {
    context.print_json(deployment);
  } else {
    std::cout << deployment_details(deployment, context.colour(), util::now_ms());
  }
  return exit_status_for_deployment(text_of(deployment, "status"));
}

int show_log(CommandContext& context, const LogOptions& options) {
  if (options.follow) return watch_deployment(context, options.id);
  std::string text;
  read_log_from(context.client(), deployment_path(options.id, "/log"), 0,
                [&text](std::string_view piece) { text += piece; });
  if (context.json()) {
    context.print_json({{"deployment", options.id}, {"log", text}});
  } else {
    std::cout << text;
    if (!text.empty() && text.back() != '\n') std::cout << "\n";
  }
  return kExitSuccess;
}

}  // namespace

void add_deployment_commands(CLI::App& app, CommandSet& commands) {
  auto list = std::make_shared<ListOptions>();
  CLI::App* list_command = app.add_subcommand("deployments", "List an app's deployments, newest first");
  list_command->add_option("APP", list->app, "App (project) name")->required();
  list_command->add_option("--env", list->environment, "Only this environment's deployments");
  list_command->add_option("-n,--limit", list->limit, "How many (1-200, default 20)")->check(CLI::Range(1, 200));
  commands.add(list_command, [list](CommandContext& context) { return list_deployments(context, *list); });

  CLI::App* deployment = app.add_subcommand("deployment", "Show a deployment or its log");
  deployment->require_subcommand(1);

  auto show_id = std::make_shared<std::int64_t>(0);
  CLI::App* show_command = deployment->add_subcommand("show", "Show a deployment");
  show_command->add_option("ID", *show_id, "Deployment id")->required();
  show_command->footer(
      "Exit status: the deployment's, once it has finished: 0 success, 1 failed, 3 cancelled, interrupted\n"
      "or superseded; 0 while it is queued or running; 1 on any error, 2 for a bad command line.");
  commands.add(show_command, [show_id](CommandContext& context) { return show_deployment(context, *show_id); });

  auto log = std::make_shared<LogOptions>();
  CLI::App* log_command = deployment->add_subcommand("logs", "Show a deployment's log");
  log_command->add_option("ID", log->id, "Deployment id")->required();
  log_command->add_flag("-f,--follow", log->follow,
                        "Show the log as it grows until the deployment ends; then exit with its status (0 "
                        "success, 1 failed, 3 cancelled, interrupted or superseded)");
  log_command->footer("With --json: {\"deployment\", \"log\"}, or with -f the finished deployment.");
  commands.add(log_command, [log](CommandContext& context) { return show_log(context, *log); });
}

}  // namespace slipway::cli
