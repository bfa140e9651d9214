// `slipway deployments APP`, `slipway deployment show ID` and `slipway deployment
// logs ID [-f]`: an app's deployment history and one deployment's log.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_deployment_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
