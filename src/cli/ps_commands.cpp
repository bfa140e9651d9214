// The process commands: GET and PUT /apps/APP/ps.
#include "cli/ps_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/app_paths.h"
#include "cli/app_report.h"
#include "cli/assignments.h"
#include "cli/command_context.h"
#include "cli/deployment_report.h"
#include "cli/exit_status.h"
#include "cli/json_fields.h"

namespace slipway::cli {

namespace {

struct PsOptions {
  std::string app;
};

struct ScaleOptions {
  std::string app;
  std::vector<std::string> counts;
};

int show_processes(CommandContext& context, const PsOptions& options) {
  if (options.app.empty()) throw UsageError("ps: APP is required (slipway ps APP, slipway ps scale APP web=2)");
  nlohmann::json answer = context.client().get(app_path(options.app, "/ps")).body;
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  std::cout << "formation: " << formation_text(answer.value("formation", nlohmann::json::object())) << "\n";
  const nlohmann::json& instances = array_of(answer, "instances");
  std::cout << (instances.empty() ? "no instances running\n" : "\n" + instances_table(instances, context.colour()));
  return kExitSuccess;
}

int scale(CommandContext& context, const ScaleOptions& options) {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [process, count] : parse_scale_assignments(options.counts)) counts[process] = count;
  nlohmann::json answer = context.client().put(app_path(options.app, "/ps"), {{"scale", counts}}).body;
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  std::string started = started_deployments(array_of(answer, "deployments"));
  std::cout << fmt::format("formation: {}{}\n", formation_text(answer.value("formation", nlohmann::json::object())),
                           started.empty() ? "" : "; scaling: " + started);
  return kExitSuccess;
}

}  // namespace

void add_ps_commands(CLI::App& app, CommandSet& commands) {
  auto ps = std::make_shared<PsOptions>();
  CLI::App* ps_command = app.add_subcommand("ps", "Show an app's formation and instances, or scale it");
  ps_command->add_option("APP", ps->app, "App (project) name");

  auto scaling = std::make_shared<ScaleOptions>();
  CLI::App* scale_command =
      ps_command->add_subcommand("scale", "Set how many instances of each process run (deployer)");
  scale_command->add_option("APP", scaling->app, "App (project) name")->required();
  scale_command->add_option("PROCESS=COUNT", scaling->counts, "Instances per process, 0-20 (web=2 worker=1)")
      ->required();
  // Before `ps` itself: both count as parsed when `ps scale` was given.
  commands.add(scale_command, [scaling](CommandContext& context) { return scale(context, *scaling); });
  commands.add(ps_command, [ps](CommandContext& context) { return show_processes(context, *ps); });
}

}  // namespace slipway::cli
