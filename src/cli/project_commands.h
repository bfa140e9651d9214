// `slipway project create|list|show|delete`: the projects the daemon builds.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_project_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
