// One deployment through a Docker engine. `target: docker`: build the release's image
// (its Dockerfile, or one written from the detected app type) tagged with the
// commit and the release number, push it when a registry is configured, start
// the new container beside the old one with its port published on loopback,
// wait for its health (an HTTP path, the image's HEALTHCHECK, or a TCP
// connect), switch Slipway's nginx to it, drain, then stop and remove the old
// container. A failure before the switch removes only the new container.
// `target: compose`: the same image, then the repository's compose file
// rendered for the release (compose_file.h) and applied with
// `docker-compose -p APP-ENV up -d`; the app's container must become healthy,
// else the previous release's rendered file is applied again. Compose
// replaces containers in place, so a compose deployment is not zero-downtime.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "deploy/deployment_run.h"
#include "exec/docker_cli.h"
#include "store/home_layout.h"

namespace slipway::deploy {

class DockerDeployment final : public DeploymentRun {
 public:
  DockerDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                   const std::atomic<bool>& stopping);

 private:
  void execute() override;
  void abandon() override;
  bool builds_on_this_machine() const override;

  void prepare_engine();
  bool reuse_image();
  void build_image();
  void push_image();
  void run_release_command();
  void start_containers();
  void wait_until_healthy(const store::Instance& instance);
  void switch_traffic();
  void drain_and_stop_previous();
  void prune_images();
  void execute_compose();
  std::string compose_project() const;
  std::string rendered_compose_path(int release_number) const;
  std::string render_compose_file();
  void compose_up(const std::string& file);
  store::Instance compose_app_instance(const std::string& file, const std::string& service);
  std::vector<std::string> env_arguments() const;
  std::string container_logs(const std::string& name) const;
  bool has_dockerfile() const;

  std::unique_ptr<exec::DockerCli> docker_;
  std::string repository_;     // REGISTRY/APP, or APP without a registry
  std::string commit_tag_;     // REPOSITORY:SHA7
  std::string release_tag_;    // REPOSITORY:N
  std::string home_label_;
  std::string address_;        // the engine's IPv4 address when it is remote; "" for this machine
  std::vector<store::Instance> started_;
  bool switched_ = false;
  bool compose_applied_ = false;  // the stack now runs this release (until abandon() puts back the previous one)
};

// The docker CLI for APP's engine DOCKER_HOST (empty: the default); for ssh:// its ssh uses the app's
// key and pinned known_hosts. ENV as for exec::DockerCli. Throws util::Error.
exec::DockerCli docker_engine(const store::HomeLayout& layout, const std::string& app, const std::string& docker_host,
                              std::vector<std::string> env = {});

// When an app is deleted: removes the images its deployments built on the default engine (found by
// the labels slipway.home and slipway.app; nothing happens without docker).
void remove_app_images(const store::HomeLayout& layout, const std::string& app);

// At the daemon's start: applies the rendered compose file of LIVE (the release that is live in
// INSTANCE's environment) again, so that a deployment cut short by a crash leaves the stack as the
// store says, and records the app container's name and port. Throws util::Error.
void reapply_compose_stack(store::Store& store, const store::HomeLayout& layout, store::Instance instance,
                           const store::LiveRelease& live);

}  // namespace slipway::deploy
