// Picks loopback ports for app instances: the kernel chooses a free one, we skip those already
// handed out (an instance that is still starting has not bound its port yet).
#pragma once

#include <set>

namespace slipway::deploy {

// A port that was free on 127.0.0.1 a moment ago and is not in AVOID. The port is released
// before returning, so another program may still take it: a health check catches that.
// Throws util::Error when no port can be had.
int free_loopback_port(const std::set<int>& avoid);

}  // namespace slipway::deploy
