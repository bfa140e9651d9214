// What the deployments through a Docker engine share (DockerDeployment,
// ComposeDeployment): the engine (local, or another machine's over ssh with
// the app's key), the release's image tagged with its commit and its number
// (built from the repository's Dockerfile or one written from detection,
// reused when an image of the same commit exists, pulled when the registry
// has it), the push, the release command in a container, health checks of a
// container, and the nginx switch.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "deploy/deployment_run.h"
#include "exec/docker_cli.h"
#include "store/home_layout.h"

namespace slipway::deploy {

class ContainerDeployment : public DeploymentRun {
 public:
  ContainerDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                      const std::atomic<bool>& stopping);

 protected:
  bool builds_on_this_machine() const override;

  // Engine, image and push; then parks the deployment when it waits for approval (returns false).
  bool deliver_image();
  void run_release_command();
  // The app's config, SLIPWAY_* and PORT as `--env NAME` arguments (values from the CLI's environment).
  std::vector<std::string> env_arguments() const;
  // The names in env_arguments() with their values, for what cannot take them by name.
  std::vector<std::string> app_environment() const;
  void wait_until_healthy(const store::Instance& instance);
  void prune_images();
  std::string container_logs(const std::string& name) const;
  bool has_dockerfile() const;

  std::unique_ptr<exec::DockerCli> docker_;
  std::string repository_;   // REGISTRY/app, or app without a registry (lower case)
  std::string commit_tag_;   // REPOSITORY:SHA7
  std::string release_tag_;  // REPOSITORY:N
  std::string home_label_;
  std::string address_;      // a remote engine's IPv4 address; "" for this machine

 private:
  void prepare_engine();
  bool reuse_image();
  void build_image();
  void push_image();
  bool built_from_this_release(const std::string& tag) const;
};

// The docker CLI for APP's engine DOCKER_HOST (empty: the default); for ssh:// its ssh uses the app's
// key and pinned known_hosts. ENV as for exec::DockerCli. Throws util::Error.
exec::DockerCli docker_engine(const store::HomeLayout& layout, const std::string& app, const std::string& docker_host,
                              std::vector<std::string> env = {});

// When an app is deleted: removes the images its deployments built on the default engine (found by
// the labels slipway.home and slipway.app; nothing happens without docker).
void remove_app_images(const store::HomeLayout& layout, const std::string& app);

// "127.0.0.1:49153" -> 49153; throws util::Error.
int published_port(const std::string& address);

}  // namespace slipway::deploy
