#include "cli/serve_command.h"

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/daemon.h"

namespace slipway::cli {

void add_serve_command(CLI::App& app) {
  auto options = std::make_shared<DaemonOptions>();
  auto* serve = app.add_subcommand("serve", "Run the Slipway daemon (API, git hosting, pipelines)");
  serve->add_option("--home", options->home, "State directory: database, repositories, logs")->capture_default_str();
  serve->add_option("--listen", options->listen, "ADDRESS:PORT for the API and git (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--executors", options->executors, "Steps running at once (default: number of cores)");
  serve->add_option("--grace", options->grace_seconds, "Seconds running steps get to finish on SIGTERM")
      ->capture_default_str();
  serve->add_option("--kill-grace", options->kill_grace_seconds,
                    "Seconds between SIGTERM and SIGKILL when a step is cancelled or times out")
      ->capture_default_str();
  serve->add_option("--proxy-listen", options->proxy_listen,
                    "ADDRESS:PORT where Slipway's nginx serves the deployed apps (APP.localhost:PORT)")
      ->capture_default_str();
  serve->add_option("--stop-grace", options->stop_grace_seconds,
                    "Seconds an app process gets between SIGTERM and SIGKILL when it is replaced")
      ->capture_default_str();
  // Hidden (no group): lets the end-to-end tests poll a source every second or two.
  serve->add_option("--test-poll-minimum", options->test_poll_minimum_seconds)->group("");
  serve->add_flag("--public", options->public_read, "Let anyone read (never change) without a token");
  serve->callback([options] {
    int status = run_daemon(*options);
    if (status != 0) throw CLI::RuntimeError(status);
  });
}

}  // namespace slipway::cli
