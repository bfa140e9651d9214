// `slipway token create|list`: API tokens. `token create --home DIR` writes the
// token straight into DIR/slipway.db, so the first admin token can be made before
// (or while) the daemon runs, with no token to authenticate with yet.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_token_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
