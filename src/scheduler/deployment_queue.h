// Turns passed runs, deploy/rollback commands, config and scale changes into
// deployments, and runs them: one per app environment at a time (the lock is
// the store's `running` row), the newest queued one wins and older queued
// ones are recorded as superseded. Each deployment runs on its own worker
// thread with its own store connection; everything else happens on the
// event loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "deploy/local_deployment.h"
#include "pipeline/pipeline_file.h"
#include "scheduler/outbox.h"
#include "store/store.h"
#include "util/expected.h"

namespace slipway::scheduler {

class DeploymentQueue {
 public:
  DeploymentQueue(boost::asio::io_context& io, store::Store& store, std::string database_path,
                  deploy::DeployServices& services);
  ~DeploymentQueue();

  // On start, before anything runs: deployments left running are marked
  // interrupted; instances of live deployments are adopted (their supervisor
  // restarted if it died), any other instance is stopped; nginx is started or
  // adopted with what is live.
  void recover();
  void start();
  // Where notifications of ended deployments go (`notify:` in the release's slipway.yml). Set
  // before recover(); none: no notifications.
  void set_outbox(Outbox* outbox) { outbox_ = outbox; }

  // After run RUN of PROJECT passed: its workspace becomes a release, and the
  // local environments its branch deploys to get a deployment.
  void run_succeeded(const store::Run& run, const store::Project& project,
                     const std::vector<pipeline::Environment>& environments, const std::string& workspace);
  // Makes run RUN_ID deploy to ENVIRONMENT when it passes, whatever its branch.
  void deploy_when_passed(store::Id run_id, const std::string& environment);

  // Queues a deployment of release NUMBER (0: the newest) to ENVIRONMENT (empty: the default one).
  util::Expected<store::Deployment> deploy_release(const store::Project& project, std::string environment, int number,
                                                   const std::string& trigger);
  // Sends the deployment waiting for approval in ENVIRONMENT on its way (BY: the token's name),
  // or ends it as cancelled ("rejected by BY: WHY").
  util::Expected<store::Deployment> approve(const store::Project& project, const std::string& environment,
                                            const std::string& by);
  util::Expected<store::Deployment> reject(const store::Project& project, const std::string& environment,
                                           const std::string& by, const std::string& why);
  // Queues a rollback to release TO (0: the one live before the current one).
  util::Expected<store::Deployment> rollback(const store::Project& project, std::string environment, int to);
  // After a config change: a release of the live code with config version
  // VERSION for every environment where PROJECT is live, deployed there.
  std::vector<store::Deployment> config_changed(const store::Project& project, int version);
  // After a formation change: the live release redeployed with the new counts.
  std::vector<store::Deployment> formation_changed(const store::Project& project);

  // Before PROJECT is deleted: stops its instances, takes it out of nginx and
  // removes its releases; refused while one of its deployments is queued or running.
  util::Expected<void> remove_app(const store::Project& project);

  // The environment a command means when it names none: the first local one
  // in the newest release's slipway.yml.
  util::Expected<std::string> default_environment(const store::Project& project);

  // Lets running deployments finish their current phase (a deployment that
  // has not switched yet stops its new instances), then calls DONE.
  void shutdown(std::function<void()> done);
  std::size_t running() const { return workers_.size(); }

 private:
  struct Worker;

  store::Deployment enqueue(const store::Project& project, const std::string& environment, store::Id release_id,
                            const std::string& kind, const std::string& trigger, const std::string& approved_by = "");
  static pipeline::Target target_of(store::Store& store, const store::Deployment& deployment);
  std::optional<store::Release> headed_for(store::Id project_id, const std::string& environment);
  store::Release with_config(const store::Release& base, int version);
  void pump();
  void launch(const store::Deployment& deployment);
  void finished(std::uint64_t worker_key, store::Id deployment_id);
  void promote_after(const store::Deployment& deployment);
  void notify_ended(const store::Deployment& deployment);
  void check_shutdown_done();
  void schedule_watch();
  void watch();
  void recover_container(store::Instance instance);

  boost::asio::io_context& io_;
  store::Store& store_;
  std::string database_path_;
  deploy::DeployServices& services_;
  // By launch: one deployment may run twice (parked for approval, then approved) and its first
  // worker may still be ending when the second starts.
  std::map<std::uint64_t, std::unique_ptr<Worker>> workers_;
  std::uint64_t next_worker_ = 1;
  std::map<store::Id, std::string> deploy_after_run_;     // run id -> environment
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::function<void()> shutdown_done_;
  boost::asio::steady_timer watch_timer_;
  Outbox* outbox_ = nullptr;
  std::vector<store::Deployment> interrupted_;  // by recover(); notified by start(), when links can be made
};

}  // namespace slipway::scheduler
