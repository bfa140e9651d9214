// The config commands: GET and PUT /apps/APP/config, GET /apps/APP/config/KEY.
// Secret values never reach the terminal: the daemon sends "****" for them and the
// client shows "****" for a secret whatever it receives.
#include "cli/config_commands.h"

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
#include "cli/human_format.h"
#include "cli/json_fields.h"

namespace slipway::cli {

namespace {

struct SetOptions {
  std::string app;
  std::vector<std::string> assignments;
  bool secret = false;
};

struct KeyOptions {
  std::string app;
  std::vector<std::string> keys;
};

// "config version 4; redeploying: deployment 12 (production)".
int report_change(CommandContext& context, const nlohmann::json& answer) {
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  std::string started = started_deployments(array_of(answer, "deployments"));
  std::cout << fmt::format("config version {}; {}\n", integer_of(answer, "version", 0),
                           started.empty() ? "not deployed anywhere yet, nothing to redeploy"
                                           : "redeploying: " + started);
  return kExitSuccess;
}

int set_config(CommandContext& context, const SetOptions& options) {
  nlohmann::json values = nlohmann::json::object();
  for (auto& [key, value] : parse_config_assignments(options.assignments)) values[key] = value;
  nlohmann::json body = {{"set", values}, {"secret", options.secret}};
  return report_change(context, context.client().put(app_path(options.app, "/config"), body).body);
}

int unset_config(CommandContext& context, const KeyOptions& options) {
  check_config_keys(options.keys);
  nlohmann::json body = {{"unset", options.keys}};
  return report_change(context, context.client().put(app_path(options.app, "/config"), body).body);
}

int get_config(CommandContext& context, const KeyOptions& options) {
  check_config_keys(options.keys);
  const std::string& key = options.keys.front();
  nlohmann::json entry = context.client().get(app_path(options.app, "/config/" + url_encode(key))).body;
  if (context.json()) {
    context.print_json(entry);
  } else if (flag_of(entry, "secret")) {
    std::cout << "****\n";
    std::cerr << fmt::format("slipway: {} is a secret; its value is never shown\n", key);
  } else {
    // The bare value, for `$(slipway config get APP KEY)`.
    std::cout << text_of(entry, "value") << "\n";
  }
  return kExitSuccess;
}

int list_config(CommandContext& context, const std::string& app) {
  nlohmann::json answer = context.client().get(app_path(app, "/config")).body;
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  const nlohmann::json& config = array_of(answer, "config");
  if (config.empty()) {
    std::cout << fmt::format("no config yet; set some with: slipway config set {} KEY=VALUE\n", printable(app));
    return kExitSuccess;
  }
  std::cout << fmt::format("config version {}\n", integer_of(answer, "version", 0)) << config_table(config);
  return kExitSuccess;
}

}  // namespace

void add_config_commands(CLI::App& app, CommandSet& commands) {
  CLI::App* config = app.add_subcommand("config", "Set, show and remove an app's environment variables");
  config->require_subcommand(1);

  auto set = std::make_shared<SetOptions>();
  CLI::App* set_command =
      config->add_subcommand("set", "Set variables; the app is redeployed with them (admin)");
  set_command->add_option("APP", set->app, "App (project) name")->required();
  set_command->add_option("KEY=VALUE", set->assignments, "Variables to set")->required();
  set_command->add_flag("--secret", set->secret, "Store the values encrypted and never show them again");
  commands.add(set_command, [set](CommandContext& context) { return set_config(context, *set); });

  auto get = std::make_shared<KeyOptions>();
  CLI::App* get_command = config->add_subcommand("get", "Print one variable's value (**** for a secret)");
  get_command->add_option("APP", get->app, "App (project) name")->required();
  get_command->add_option("KEY", get->keys, "Variable name")->required()->expected(1);
  commands.add(get_command, [get](CommandContext& context) { return get_config(context, *get); });

  auto unset = std::make_shared<KeyOptions>();
  CLI::App* unset_command =
      config->add_subcommand("unset", "Remove variables; the app is redeployed without them (admin)");
  unset_command->add_option("APP", unset->app, "App (project) name")->required();
  unset_command->add_option("KEY", unset->keys, "Variable names")->required();
  commands.add(unset_command, [unset](CommandContext& context) { return unset_config(context, *unset); });

  auto list_app = std::make_shared<std::string>();
  CLI::App* list_command = config->add_subcommand("list", "List an app's variables (secrets as ****)");
  list_command->add_option("APP", *list_app, "App (project) name")->required();
  commands.add(list_command, [list_app](CommandContext& context) { return list_config(context, *list_app); });
}

}  // namespace slipway::cli
