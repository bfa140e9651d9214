// One deployment to a `target: local` environment, from a claimed record to
// its end: start the release's processes beside the live ones, wait until
// every web instance is healthy, switch `current` and nginx to them, drain
// and stop the old ones. A failure before the switch stops only the new
// instances, so the old version never stops serving.
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

class LocalDeployment {
 public:
  // STORE is this thread's own connection; STOPPING is set when the daemon shuts down.
  LocalDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                  const std::atomic<bool>& stopping);

  // Runs to the end and returns the final record (already stored).
  store::Deployment run();

 private:
  struct Started {
    store::Instance instance;
    std::string name;        // "web.1"
    std::string started_at;  // RFC 3339, to pick its lines from the process log
  };

  void execute();
  void build_release();
  void run_command(const std::string& what, const std::string& command);
  void start_instances();
  void wait_until_healthy();
  void check_static_site();
  void switch_traffic();
  void drain_and_stop_previous();
  void prune_releases();
  void stop_started();
  void stop_instances(std::vector<store::Instance> instances);
  std::string recent_lines(const Started& started, std::size_t count) const;
  std::vector<std::string> process_env(int port) const;
  void finish(store::DeploymentStatus status, const std::string& reason);

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
  std::vector<Started> started_;
  bool switched_ = false;
};

}  // namespace slipway::deploy
