#include "cli/approval_commands.h"

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

namespace slipway::cli {

namespace {

struct ApprovalOptions {
  std::string app;
  std::string environment;
  std::string reason;
  bool wait = false;
};

int approve(CommandContext& context, const ApprovalOptions& options) {
  nlohmann::json deployment =
      context.client().post(app_path(options.app, "/approve"), {{"environment", options.environment}}).body;
  if (options.wait) return watch_deployment(context, integer_of(deployment, "id", 0));
  if (context.json()) {
    context.print_json(deployment);
  } else {
    std::cout << fmt::format("approved: {}\n", deployment_line(deployment));
  }
  return kExitSuccess;
}

int reject(CommandContext& context, const ApprovalOptions& options) {
  nlohmann::json body = {{"environment", options.environment}};
  if (!options.reason.empty()) body["reason"] = options.reason;
  nlohmann::json deployment = context.client().post(app_path(options.app, "/reject"), body).body;
  if (context.json()) {
    context.print_json(deployment);
  } else {
    std::cout << deployment_line(deployment) << "\n";
  }
  return kExitSuccess;
}

}  // namespace

void add_approval_commands(CLI::App& app, CommandSet& commands) {
  auto approve_options = std::make_shared<ApprovalOptions>();
  CLI::App* approve_command =
      app.add_subcommand("approve", "Let the deployment waiting for approval in an environment go on (deployer)");
  approve_command->add_option("APP", approve_options->app, "App (project) name")->required();
  approve_command->add_option("ENV", approve_options->environment, "Environment")->required();
  approve_command->add_flag("-w,--wait", approve_options->wait,
                            "Show the deployment's log until it ends; exit with its status");
  commands.add(approve_command, [approve_options](CommandContext& context) { return approve(context, *approve_options); });

  auto reject_options = std::make_shared<ApprovalOptions>();
  CLI::App* reject_command =
      app.add_subcommand("reject", "End the deployment waiting for approval in an environment (deployer)");
  reject_command->add_option("APP", reject_options->app, "App (project) name")->required();
  reject_command->add_option("ENV", reject_options->environment, "Environment")->required();
  reject_command->add_option("--reason", reject_options->reason, "Why; kept with the deployment");
  commands.add(reject_command, [reject_options](CommandContext& context) { return reject(context, *reject_options); });
}

}  // namespace slipway::cli
