// `slipway logs RUN [-f] [--step NAME|INDEX]`: a run's step logs, whole or live.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_log_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
