// `slipway ps APP` and `slipway ps scale APP web=3 worker=1`: an app's processes,
// how many instances of each should run, and the instances that do.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_ps_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
