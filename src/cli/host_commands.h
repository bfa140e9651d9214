// `slipway host ...`: what Slipway runs on the hosts of an ssh environment
// (over ssh, from its copy of itself there). Not listed in the help.
#pragma once

#include <CLI/CLI.hpp>

namespace slipway::cli {

void add_host_commands(CLI::App& app);

}  // namespace slipway::cli
