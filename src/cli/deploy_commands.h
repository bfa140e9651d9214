// `slipway deploy APP` and `slipway rollback APP`: start a deployment (or a run that
// deploys when it passes) and optionally wait for its result.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_deploy_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
