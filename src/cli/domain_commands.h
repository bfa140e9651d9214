// `slipway domains add|remove|list APP`: the host names an app answers on besides
// its own APP.localhost name.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_domain_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
