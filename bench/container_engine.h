// The Docker engine and registry as the container measures use them: whether they are there,
// docker commands run by hand, and taking away afterwards what a measure left on them.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bench_common.h"

namespace slipway::bench {

// The registry scripts/test-services.sh exported (SLIPWAY_TEST_REGISTRY), else 127.0.0.1:5000.
std::string bench_registry();

// Empty when the engine answers, REGISTRY answers and the engine has BASE_IMAGE; else why not.
std::string containers_unavailable(const std::string& registry, const std::string& base_image);

// `docker ARGS...` bounded by LIMIT; its output, or an exception with it when it fails.
std::string docker_checked(const std::vector<std::string>& args, std::chrono::seconds limit);

// The loopback port CONTAINER publishes its PORT on (`docker port`).
int published_port(const std::string& container, int port);

// Takes away what a container measure left: its daemon first (so that it starts nothing more),
// then every container, network and image labelled with the daemon's home, the containers whose
// name starts with BY_HAND_PREFIX (run by hand, without labels), and the images of REPOSITORIES
// in REGISTRY, here and in the registry (their manifests; blobs stay until the registry's garbage
// collection). Declared after the Bench it cleans up for, so that it runs before the Bench stops
// nginx and removes the home.
class EngineCleanup {
 public:
  EngineCleanup(Bench& bench, std::string registry, std::vector<std::string> repositories,
                std::string by_hand_prefix);
  ~EngineCleanup();
  EngineCleanup(const EngineCleanup&) = delete;
  EngineCleanup& operator=(const EngineCleanup&) = delete;

 private:
  Bench& bench_;
  std::string registry_;
  std::vector<std::string> repositories_;
  std::string by_hand_prefix_;
};

}  // namespace slipway::bench
