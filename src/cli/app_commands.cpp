// The app commands: GET /apps, /apps/APP and /apps/APP/releases.
#include "cli/app_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/app_log_commands.h"
#include "cli/app_paths.h"
#include "cli/app_report.h"
#include "cli/command_context.h"
#include "cli/exit_status.h"
#include "cli/human_format.h"
#include "cli/json_fields.h"
#include "util/clock.h"

namespace slipway::cli {

namespace {

int list_apps(CommandContext& context) {
  nlohmann::json answer = context.client().get("/apps").body;
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  const nlohmann::json& apps = array_of(answer, "apps");
  if (apps.empty()) {
    std::cout << "no apps yet\n";
    return kExitSuccess;
  }
  std::cout << apps_table(apps, context.colour(), util::now_ms());
  return kExitSuccess;
}

int show_app(CommandContext& context, const std::string& name) {
  nlohmann::json app = context.client().get(app_path(name)).body;
  if (context.json()) {
    context.print_json(app);
    return kExitSuccess;
  }
  std::cout << "app " << printable(text_of(app, "name")) << "\n";
  if (array_of(app, "environments").empty()) {
    std::cout << "\nnot deployed yet; deploy it with: slipway deploy " << printable(name) << "\n";
    return kExitSuccess;
  }
  std::cout << "\n" << environments_table(app, context.colour(), util::now_ms());
  const nlohmann::json& instances = array_of(app, "instances");
  std::cout << "\n" << (instances.empty() ? "no instances running\n" : instances_table(instances, context.colour()));
  return kExitSuccess;
}

struct ReleasesOptions {
  std::string app;
  std::string environment;
};

int list_releases(CommandContext& context, const ReleasesOptions& options) {
  Query query;
  if (!options.environment.empty()) query.emplace_back("environment", options.environment);
  nlohmann::json answer = context.client().get(app_path(options.app, "/releases"), query).body;
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  const nlohmann::json& releases = array_of(answer, "releases");
  if (releases.empty()) {
    std::cout << "no releases yet: a run that passes makes one\n";
    return kExitSuccess;
  }
  std::cout << releases_table(releases, util::now_ms());
  return kExitSuccess;
}

}  // namespace

void add_app_commands(CLI::App& app, CommandSet& commands) {
  CLI::App* apps_command = app.add_subcommand("apps", "List apps and what runs in each environment");
  commands.add(apps_command, list_apps);

  CLI::App* app_command = app.add_subcommand("app", "Show an app or its process logs");
  app_command->require_subcommand(1);
  auto show_name = std::make_shared<std::string>();
  CLI::App* show_command = app_command->add_subcommand("show", "Show an app's environments and instances");
  show_command->add_option("APP", *show_name, "App (project) name")->required();
  commands.add(show_command, [show_name](CommandContext& context) { return show_app(context, *show_name); });
  add_app_log_command(*app_command, commands);

  auto releases_options = std::make_shared<ReleasesOptions>();
  CLI::App* releases_command = app.add_subcommand("releases", "List an app's releases, newest first");
  releases_command->add_option("APP", releases_options->app, "App (project) name")->required();
  releases_command->add_option("--env", releases_options->environment,
                               "With an ssh environment: which of its hosts hold each release");
  commands.add(releases_command,
               [releases_options](CommandContext& context) { return list_releases(context, *releases_options); });
}

}  // namespace slipway::cli
