// One deployment to a `target: compose` environment: the release's image (see
// ContainerDeployment), the repository's compose file rendered for the
// release (compose_file.h) and applied with `docker-compose -p APP-ENV up -d`;
// the app's container must become healthy, else the previous release's
// rendered file is applied again (or, with none, the stack is taken down).
// Compose replaces containers in place, so there is a short gap.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "deploy/container_deployment.h"

namespace slipway::deploy {

class ComposeDeployment final : public ContainerDeployment {
 public:
  ComposeDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                    const std::atomic<bool>& stopping);

 private:
  void execute() override;
  void abandon() override;
  std::string render_compose_file();
  void compose_up(const std::string& file, const std::atomic<bool>* stop);
  store::Instance app_instance(const std::string& file, const std::string& service);
  void prune_rendered_files();

  std::string project_name_;  // docker-compose -p: APP-ENV in compose's own spelling
  std::string applied_;       // the file applied by this deployment (a candidate until it is live)
  std::vector<store::Instance> started_;
};

// The compose project of APP's ENVIRONMENT: "APP-ENV" in lower case, as docker-compose names it.
std::string compose_project_name(const std::string& app, const std::string& environment);
// HOME/apps/APP/ENV/compose/release-N.yml: what release N ran with.
std::string rendered_compose_path(const store::HomeLayout& layout, const std::string& app,
                                  const std::string& environment, int release_number);

// At the daemon's start: applies the rendered compose file of LIVE (the release that is live in
// INSTANCE's environment) again, so that a deployment cut short by a crash leaves the stack as the
// store says, and records the app container's name and port. Throws util::Error.
void reapply_compose_stack(store::Store& store, const store::HomeLayout& layout, store::Instance instance,
                           const store::LiveRelease& live);

}  // namespace slipway::deploy
