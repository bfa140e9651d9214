// Builds the `slipway` CLI11 application and maps everything that can go wrong to
// one "slipway: ..." line on stderr and an exit status.
#include "cli/cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli/app_commands.h"
#include "cli/approval_commands.h"
#include "cli/command_context.h"
#include "cli/config_commands.h"
#include "cli/deploy_commands.h"
#include "cli/deployment_commands.h"
#include "cli/domain_commands.h"
#include "cli/exit_status.h"
#include "cli/host_commands.h"
#include "cli/json_fields.h"
#include "cli/log_commands.h"
#include "cli/project_commands.h"
#include "cli/ps_commands.h"
#include "cli/run_commands.h"
#include "cli/serve_command.h"
#include "cli/ssh_key_commands.h"
#include "cli/token_commands.h"
#include "exec/container_step.h"
#include "exec/supervisor.h"

#ifndef SLIPWAY_VERSION
#define SLIPWAY_VERSION "dev"
#endif

namespace slipway::cli {

namespace {

constexpr const char* kFooter =
    "The daemon's URL and token come from --url/--token, else SLIPWAY_URL/SLIPWAY_TOKEN, else the\n"
    "config file {\"url\": ..., \"token\": ...} at $SLIPWAY_CONFIG, $XDG_CONFIG_HOME/slipway/config.json\n"
    "or ~/.config/slipway/config.json (its token is only sent to its own URL), else\n"
    "http://127.0.0.1:7300 without a token.\n"
    "\n"
    "Exit status: 0 success (a run that succeeded or was skipped, a deployment that succeeded), 1\n"
    "failure (a failed run or deployment, an API or connection error), 2 bad command line, 3 run or\n"
    "deployment cancelled or interrupted, or deployment superseded.";

int show_version(CommandContext& context) {
  nlohmann::json server;
  std::string problem;
  try {
    server = context.client().get("/health").body;
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (context.json()) {
    context.print_json(
        {{"client", SLIPWAY_VERSION},
         {"server", server.is_null() ? nlohmann::json() : nlohmann::json(text_of(server, "version"))},
         {"url", context.settings().url}});
  } else {
    std::cout << "slipway " << SLIPWAY_VERSION << "\n";
    if (problem.empty())
      std::cout << "server  " << text_of(server, "version") << " at " << context.settings().url << "\n";
  }
  // The client's version is known either way; an unreachable daemon is only worth a note.
  if (!problem.empty()) std::cerr << "slipway: " << problem << "\n";
  return kExitSuccess;
}

// Runs the chosen client command, turning exceptions into the messages users see.
int run_command(const CommandSet& commands, CommandContext& context) {
  try {
    return commands.run_chosen(context).value_or(kExitSuccess);
  } catch (const UsageError& e) {
    std::cerr << "slipway: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "slipway: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app("Slipway: every git push built and tested, live.", "slipway");
  app.set_version_flag("--version", "slipway " SLIPWAY_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `slipway runs --json`
  app.footer(kFooter);

  CommandContext context;
  app.add_option("--url", context.options.url, "Daemon URL, http://HOST:PORT[/PREFIX] (env SLIPWAY_URL)");
  app.add_option("--token", context.options.token, "API token (env SLIPWAY_TOKEN)");
  app.add_flag("--json", context.options.json, "Print the API's JSON instead of tables, for scripts");

  CommandSet commands;
  add_project_commands(app, commands);
  add_run_commands(app, commands);
  add_log_commands(app, commands);
  add_app_commands(app, commands);
  add_deploy_commands(app, commands);
  add_approval_commands(app, commands);
  add_deployment_commands(app, commands);
  add_config_commands(app, commands);
  add_ps_commands(app, commands);
  add_domain_commands(app, commands);
  add_ssh_key_commands(app, commands);
  add_token_commands(app, commands);
  CLI::App* version = app.add_subcommand("version", "Show the client's and the daemon's versions");
  commands.add(version, show_version);
  add_serve_command(app);
  add_host_commands(app);
  // Started by the daemon, one per app instance; not listed in the help.
  auto instance_dir = std::make_shared<std::string>();
  CLI::App* supervise = app.add_subcommand("supervise", "Run one app instance (used by the daemon)")->group("");
  supervise->add_option("DIR", *instance_dir, "Instance directory (spec.json)")->required();
  supervise->callback([instance_dir] {
    int status = exec::run_supervisor(*instance_dir);
    if (status != 0) throw CLI::RuntimeError(status);
  });
  // Started by the daemon for a step with `image:`; not listed in the help.
  auto container_spec = std::make_shared<std::string>();
  CLI::App* container_step = app.add_subcommand("container-step", "Run a step in a container (used by the daemon)")->group("");
  container_step->add_option("SPEC", *container_spec, "The step, as JSON")->required();
  container_step->callback([container_spec] {
    int status = exec::run_container_step(exec::container_step_from_json(*container_spec));
    if (status != 0) throw CLI::RuntimeError(status);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // how `serve` reports the daemon's exit status
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the help or the error; its own codes (105, 106...) mean "usage" to us.
    return app.exit(e) == 0 ? kExitSuccess : kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "slipway: " << e.what() << "\n";
    return kExitFailure;
  }
  return run_command(commands, context);
}

}  // namespace slipway::cli
