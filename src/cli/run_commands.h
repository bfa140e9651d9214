// `slipway run`, `rerun`, `runs`, `status` and `cancel`: starting runs, listing
// them, and asking how one went, with exit statuses scripts can test.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_run_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
