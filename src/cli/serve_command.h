// `slipway serve`: parses the daemon's options and runs it until SIGTERM/SIGINT.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

// Adds the `serve` subcommand to APP; when chosen it runs the daemon and the
// process exits with the daemon's exit status.
void add_serve_command(CLI::App& app);

}  // namespace slipway::cli
