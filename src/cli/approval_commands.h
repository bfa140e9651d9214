// `slipway approve APP ENV` and `slipway reject APP ENV`: act on the deployment
// that waits for a manual approval (`approval: manual`) in an environment.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_approval_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
