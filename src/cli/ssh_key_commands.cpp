#include "cli/ssh_key_commands.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/app_paths.h"
#include "cli/command_context.h"
#include "cli/exit_status.h"
#include "cli/json_fields.h"

namespace slipway::cli {

namespace {

struct SshKeyOptions {
  std::string app;
  std::string host;
  bool known_hosts = false;
};

int show(CommandContext& context, const SshKeyOptions& options) {
  nlohmann::json answer = context.client().get(app_path(options.app, "/ssh-key")).body;
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  // The key alone on stdout, so that `slipway ssh-key show APP >> authorized_keys` works.
  std::cout << text_of(answer, "public_key") << "\n";
  if (options.known_hosts) {
    for (const auto& line : array_of(answer, "known_hosts")) {
      if (line.is_string()) std::cout << line.get<std::string>() << "\n";
    }
  }
  return kExitSuccess;
}

int forget(CommandContext& context, const SshKeyOptions& options) {
  nlohmann::json answer = context.client().del(app_path(options.app, "/ssh-key/known-hosts/" + options.host)).body;
  if (context.json()) {
    context.print_json(answer);
  } else {
    std::cout << "forgot the host key of " << options.host << "; the next deployment pins the key it finds\n";
  }
  return kExitSuccess;
}

}  // namespace

void add_ssh_key_commands(CLI::App& app, CommandSet& commands) {
  CLI::App* group = app.add_subcommand("ssh-key", "The ssh key an app's deployments log in to its hosts with");
  group->require_subcommand(1);

  auto show_options = std::make_shared<SshKeyOptions>();
  CLI::App* show_command =
      group->add_subcommand("show", "Print the public key to add to ~/.ssh/authorized_keys on each host");
  show_command->add_option("APP", show_options->app, "App (project) name")->required();
  show_command->add_flag("--known-hosts", show_options->known_hosts, "Also print the host keys pinned so far");
  commands.add(show_command, [show_options](CommandContext& context) { return show(context, *show_options); });

  auto forget_options = std::make_shared<SshKeyOptions>();
  CLI::App* forget_command =
      group->add_subcommand("forget", "Drop the pinned key of a host that was reinstalled on purpose (admin)");
  forget_command->add_option("APP", forget_options->app, "App (project) name")->required();
  forget_command->add_option("HOST", forget_options->host, "Host (address or name, as in slipway.yml)")->required();
  commands.add(forget_command, [forget_options](CommandContext& context) { return forget(context, *forget_options); });
}

}  // namespace slipway::cli
