// Stopping what serves (or served) an app environment, whatever it is: a
// supervised process on this machine (its `slipway supervise`) or a container
// on a Docker engine. Used when a deployment replaces them, when one fails,
// at recovery and when an app is deleted.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "store/home_layout.h"
#include "store/store.h"

namespace slipway::deploy {

// Stops INSTANCES (TERM, GRACE, KILL; containers are then removed), marks their records inactive
// and removes their directories. Returns one warning per thing that did not go as planned.
// LAYOUT: where an app's ssh key is, for containers on an engine reached over ssh.
std::vector<std::string> retire_instances(store::Store& store, const store::HomeLayout& layout,
                                          std::vector<store::Instance> instances, std::chrono::milliseconds grace);

}  // namespace slipway::deploy
