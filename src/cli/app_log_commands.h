// `slipway app logs APP [--process P] [-n N] [-f]`: the tail of an app's process logs,
// merged in time order, and with -f the lines that follow until Ctrl-C.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

// Adds `logs` below APP_COMMAND (the `app` noun).
void add_app_log_command(CLI::App& app_command, CommandSet& commands);

}  // namespace slipway::cli
