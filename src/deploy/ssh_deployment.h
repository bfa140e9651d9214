// One deployment to a `target: ssh` environment: the release tree copied to
// every host with rsync (`--link-dest` against the host's current release, so
// only changed files travel), shared paths linked, then host by host (`batch`
// at a time) `current` switched, the app restarted (the host's `restart`
// command, or Slipway's own supervisor there) and health-checked. A host that
// fails stops the deployment and every host already switched goes back to its
// previous release. With `approval: manual` it stops after the copy, as
// `waiting`: approving runs the release command, switches and restarts.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "deploy/deployment_run.h"
#include "deploy/ssh_host.h"

namespace slipway::deploy {

class SshDeployment final : public DeploymentRun {
 public:
  SshDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                const std::atomic<bool>& stopping);

 private:
  struct Host {
    std::unique_ptr<SshHost> ssh;
    std::string current;                // the release name `current` pointed at before ("": none)
    std::vector<std::string> releases;  // release directories on the host
    bool binary_present = false;        // it has this slipway's binary already
    bool recorded = false;              // the store says it holds this release
    bool switched = false;
    store::DeploymentHost record;
  };

  void execute() override;
  void abandon() override;

  void connect();
  void deliver(Host& host);
  void run_release_command();
  void activate(Host& host);
  void restart(Host& host, const std::string& name);
  void check_health(Host& host, const std::string& name);
  void roll_back(Host& host);
  void prune(Host& host);

  std::vector<std::string> app_env(bool with_port) const;
  std::string activation_json();  // also counts the web instances
  std::string env_file() const;
  std::chrono::milliseconds timeout() const { return services_.settings.command_timeout; }
  bool supervised() const { return environment_->restart.empty(); }
  int app_port() const;
  std::string binary_path() const;
  std::chrono::milliseconds activate_timeout() const;
  const std::string& root() const { return environment_->path; }
  // Store and log calls from the host threads go through these, one at a time.
  void record(Host& host, const std::string& status, const std::string& detail);
  void say(const std::string& line);
  void say_output(const std::string& text);
  // Runs WORK for each of HOSTS on its own thread; throws DeployFailure naming the hosts that failed.
  void on_each(const std::vector<Host*>& hosts, const std::function<void(Host&)>& work);

  SshIdentity identity_;
  std::vector<Host> hosts_;
  std::string release_name_;
  std::string env_text_;         // what deliver() writes on each host, made once
  std::string activation_text_;
  bool committed_ = false;
  int web_instances_ = 0;        // from the formation; 0: no web process to check
  bool has_web_ = false;       // live on every host and recorded so
  std::string local_binary_;    // this slipway, copied to the hosts (supervised mode)
  std::string binary_id_;       // ...as PATH/.slipway/bin/slipway-ID
  std::mutex mutex_;
};

}  // namespace slipway::deploy
