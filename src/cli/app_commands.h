// `slipway apps`, `slipway app show APP`, `slipway app logs APP` and `slipway
// releases APP`: what is deployed where, and what could be.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_app_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
