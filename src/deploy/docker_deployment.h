// One deployment to a `target: docker` environment: the release's image (see
// ContainerDeployment), then the new container beside the old one with its
// port published (on loopback, or on a remote engine's address), its health,
// Slipway's nginx switched to it, a drain, and the old container stopped and
// removed. A failure before the switch removes only the new container.
#pragma once

#include <atomic>
#include <vector>

#include "deploy/container_deployment.h"

namespace slipway::deploy {

class DockerDeployment final : public ContainerDeployment {
 public:
  DockerDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                   const std::atomic<bool>& stopping);

 private:
  void execute() override;
  void abandon() override;
  void start_containers();
  void drain_and_stop_previous();

  std::vector<store::Instance> started_;
};

}  // namespace slipway::deploy
