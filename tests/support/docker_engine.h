// The Docker engine and registry of the end-to-end tests: started by
// scripts/test-services.sh (which exports SLIPWAY_TEST_DOCKER=1 and
// SLIPWAY_TEST_REGISTRY=127.0.0.1:PORT), never by the tests themselves. Tests
// remove what their daemon left on the engine, found by its labels.
#pragma once

#include <string>
#include <vector>

namespace slipway::testing {

// Empty when the tests can use Docker; else why not. SLIPWAY_TEST_DOCKER=1 (set by the test
// script) makes a missing engine a failure instead of a reason to skip.
std::string docker_unavailable();
bool docker_required();

// 127.0.0.1:PORT of the test registry, or "".
std::string test_registry();

// Runs `docker ARGS...` (argv only, bounded) and returns its output; "" on failure.
std::string docker_output(const std::vector<std::string>& args);

// Names of the containers carrying LABEL ("key=value"), and AND_LABEL when given.
std::vector<std::string> containers_labelled(const std::string& label, const std::string& and_label = "");

// Removes every container, network and image the daemon with HOME made (label slipway.home),
// and the containers and networks of the compose PROJECTS.
void remove_docker_leftovers(const std::string& home, const std::vector<std::string>& compose_projects = {});

}  // namespace slipway::testing
