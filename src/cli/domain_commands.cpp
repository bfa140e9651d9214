// The domain commands: GET, POST /apps/APP/domains and DELETE /apps/APP/domains/DOMAIN.
#include "cli/domain_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/app_paths.h"
#include "cli/command_context.h"
#include "cli/exit_status.h"
#include "cli/human_format.h"
#include "cli/json_fields.h"

namespace slipway::cli {

namespace {

struct DomainOptions {
  std::string app;
  std::string domain;
};

int add_domain(CommandContext& context, const DomainOptions& options) {
  nlohmann::json answer =
      context.client().post(app_path(options.app, "/domains"), {{"domain", options.domain}}).body;
  if (context.json()) {
    context.print_json(answer.is_null() ? nlohmann::json{{"domain", options.domain}} : answer);
  } else {
    std::cout << fmt::format("added {} to {}\n", printable(options.domain), printable(options.app));
  }
  return kExitSuccess;
}

int remove_domain(CommandContext& context, const DomainOptions& options) {
  context.client().del(app_path(options.app, "/domains/" + url_encode(options.domain)));
  if (context.json()) {
    context.print_json({{"removed", options.domain}});
  } else {
    std::cout << fmt::format("removed {} from {}\n", printable(options.domain), printable(options.app));
  }
  return kExitSuccess;
}

int list_domains(CommandContext& context, const std::string& app) {
  nlohmann::json answer = context.client().get(app_path(app, "/domains")).body;
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  std::vector<std::string> domains = texts_of(answer, "domains");
  if (domains.empty()) std::cout << fmt::format("no domains; add one with: slipway domains add {} DOMAIN\n", printable(app));
  for (const std::string& domain : domains) std::cout << printable(domain) << "\n";
  return kExitSuccess;
}

}  // namespace

void add_domain_commands(CLI::App& app, CommandSet& commands) {
  CLI::App* domains = app.add_subcommand("domains", "Add, remove and list an app's domains");
  domains->require_subcommand(1);

  auto add = std::make_shared<DomainOptions>();
  CLI::App* add_command = domains->add_subcommand("add", "Serve the app on DOMAIN too (admin)");
  add_command->add_option("APP", add->app, "App (project) name")->required();
  add_command->add_option("DOMAIN", add->domain, "Host name (example.com)")->required();
  commands.add(add_command, [add](CommandContext& context) { return add_domain(context, *add); });

  auto remove = std::make_shared<DomainOptions>();
  CLI::App* remove_command = domains->add_subcommand("remove", "Stop serving the app on DOMAIN (admin)");
  remove_command->add_option("APP", remove->app, "App (project) name")->required();
  remove_command->add_option("DOMAIN", remove->domain, "Host name")->required();
  commands.add(remove_command, [remove](CommandContext& context) { return remove_domain(context, *remove); });

  auto list_app = std::make_shared<std::string>();
  CLI::App* list_command = domains->add_subcommand("list", "List an app's domains");
  list_command->add_option("APP", *list_app, "App (project) name")->required();
  commands.add(list_command, [list_app](CommandContext& context) { return list_domains(context, *list_app); });
}

}  // namespace slipway::cli
