// `slipway ssh-key show APP`: the public key to install on the hosts of an
// app's ssh environments, and the host keys pinned so far;
// `slipway ssh-key forget APP HOST`: drop a pinned key after a host was reinstalled.
#pragma once

namespace CLI {
class App;
}

namespace slipway::cli {

class CommandSet;

void add_ssh_key_commands(CLI::App& app, CommandSet& commands);

}  // namespace slipway::cli
