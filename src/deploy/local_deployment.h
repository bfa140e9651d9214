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

#include "deploy/deployment_run.h"

namespace slipway::deploy {

class LocalDeployment final : public DeploymentRun {
 public:
  LocalDeployment(DeployServices& services, store::Store& store, store::Deployment deployment,
                  const std::atomic<bool>& stopping);

 private:
  struct Started {
    store::Instance instance;
    std::string name;        // "web.1"
    std::string started_at;  // RFC 3339, to pick its lines from the process log
  };

  void execute() override;
  void abandon() override;
  void start_instances();
  void wait_until_healthy();
  void check_static_site();
  void switch_traffic();
  void drain_and_stop_previous();
  void stop_started();
  void stop_instances(std::vector<store::Instance> instances);
  std::string recent_lines(const Started& started, std::size_t count) const;

  std::vector<Started> started_;
};

}  // namespace slipway::deploy
