// `slipway config set|get|unset|list APP`: an app's environment variables. A change
// makes a new config version and redeploys the app with it.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_config_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
