// What every deployment does whatever its target: load the release (its
// slipway.yml, its app plan, its config with secrets resolved), build what
// detection says is missing, run commands with the app's environment, keep a
// deployment log with secrets masked, and record the end. The targets
// (LocalDeployment, SshDeployment) supply the part in between: execute().
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deploy/deployment_log.h"
#include "deploy/proxy_control.h"
#include "deploy/release_plan.h"
#include "store/home_layout.h"
#include "store/store.h"
#include "util/secret_box.h"

namespace slipway::deploy {

struct DeploySettings {
  std::string self_binary;                    // this slipway, run as `slipway supervise DIR`
  std::vector<std::string> base_env;          // PATH, LANG, ... for app processes
  std::chrono::milliseconds stop_grace{10000};  // SIGTERM -> SIGKILL for app processes
  std::chrono::milliseconds command_timeout{std::chrono::minutes(15)};  // release and build commands
};

// What every deployment shares; ProxyControl and SecretBox are thread-safe.
struct DeployServices {
  store::HomeLayout layout;
  ProxyControl& proxy;
  const util::SecretBox& secrets;
  DeploySettings settings;
};

// Ends the deployment with a reason; thrown by the phases, caught once in run().
struct DeployFailure {
  explicit DeployFailure(std::string reason_line, std::string more = {})
      : reason(std::move(reason_line)), details(std::move(more)) {}
  std::string reason;   // one line
  std::string details;  // e.g. the new process's last log lines
};
struct DeployInterrupted {};

class DeploymentRun {
 public:
  // STORE is this thread's own connection; STOPPING is set when the daemon shuts down.
  DeploymentRun(DeployServices& services, store::Store& store, store::Deployment deployment,
                const std::atomic<bool>& stopping);
  virtual ~DeploymentRun() = default;

  // Runs to the end (or to `waiting`) and returns the final record (already stored).
  store::Deployment run();

 protected:
  // The target's part, after load() and build_release().
  virtual void execute() = 0;
  // After a failure or an interruption: undo what execute() started (the old version keeps serving).
  virtual void abandon() = 0;

  // Reads the project, release, config and plan; throws DeployFailure.
  void load();
  // Builds what detection says is missing, in the release tree; a target that builds elsewhere
  // (in an image) says so with builds_on_this_machine().
  void build_release();
  virtual bool builds_on_this_machine() const { return true; }
  void prune_releases();
  // Runs COMMAND with `sh -e -c` in DIR (empty: the release tree) with the app's environment.
  void run_command(const std::string& what, const std::string& command, const std::string& dir = "");
  std::vector<std::string> process_env(int port) const;
  // This deployment's release as what serves its environment from now on.
  store::LiveRelease live_record() const;
  // Records this release as live and reloads Slipway's nginx; when nginx refuses, puts the store
  // and nginx back to what served before and throws DeployFailure. Sets switched_.
  void go_live();
  // Logs "release N is live at URL".
  void log_live_url();
  // Parks the deployment as `waiting` for an approval instead of ending it.
  void park() { parked_ = true; }
  bool parked() const { return parked_; }

  DeployServices& services_;
  store::Store& store_;
  store::Deployment deployment_;
  const std::atomic<bool>& stopping_;
  store::Project project_;
  store::Release release_;
  ReleasePlan plan_;
  const pipeline::Environment* environment_ = nullptr;
  std::vector<std::string> config_env_;
  std::vector<std::string> secrets_;
  std::unique_ptr<DeploymentLog> log_;
  std::optional<store::LiveRelease> previous_;
  bool switched_ = false;  // the new release serves: what goes wrong from here on is no failure

 private:
  void finish(store::DeploymentStatus status, const std::string& reason);
  bool parked_ = false;
};

}  // namespace slipway::deploy
