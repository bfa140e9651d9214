#include "scheduler/deployment_queue.h"

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <signal.h>

#include <filesystem>
#include <set>

#include "deploy/compose_deployment.h"
#include "deploy/docker_deployment.h"
#include "deploy/instance_retirement.h"
#include "deploy/release_directory.h"
#include "deploy/release_plan.h"
#include "deploy/ssh_deployment.h"
#include "exec/docker_cli.h"
#include "exec/instance_control.h"
#include "exec/instance_spec.h"
#include "scheduler/deployment_notification.h"
#include "store/sqlite_store.h"
#include "util/clock.h"
#include "util/error.h"

namespace slipway::scheduler {

namespace {

using store::DeploymentStatus;
using namespace std::chrono_literals;

// The targets this version of slipway deploys to.
bool deployable(pipeline::Target target) {
  return target == pipeline::Target::local || target == pipeline::Target::ssh || target == pipeline::Target::docker ||
         target == pipeline::Target::compose;
}

bool branch_deploys(const pipeline::Environment& environment, const store::Project& project, const std::string& branch) {
  const std::string& wanted = environment.branch.empty() ? project.default_branch : environment.branch;
  return wanted == branch;
}

}  // namespace

struct DeploymentQueue::Worker {
  store::Id deployment_id = 0;
  std::thread thread;
};

DeploymentQueue::DeploymentQueue(boost::asio::io_context& io, store::Store& store, std::string database_path,
                                 deploy::DeployServices& services)
    : io_(io), store_(store), database_path_(std::move(database_path)), services_(services), watch_timer_(io) {}

DeploymentQueue::~DeploymentQueue() {
  stopping_ = true;
  for (auto& [id, worker] : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

void DeploymentQueue::recover() {
  for (auto deployment : store_.list_deployments({std::nullopt, std::nullopt, DeploymentStatus::running, 1000})) {
    deployment.status = DeploymentStatus::interrupted;
    deployment.reason = "slipway stopped during this deployment";
    deployment.finished_at = util::now_ms();
    store_.update_deployment(deployment);
    spdlog::info("deployment {} interrupted by a stop of slipway", deployment.id);
    interrupted_.push_back(deployment);
  }
  // ssh connections a killed daemon left open to its hosts.
  deploy::close_leftover_masters(services_.layout);
  std::vector<store::Instance> to_stop;
  std::vector<std::pair<store::Instance, store::LiveRelease>> stacks;  // live compose stacks, applied again
  const auto instances = store_.list_instances(std::nullopt, true);
  // The compose projects that serve now: their stacks are put right below, not stopped.
  std::set<std::string> live_stacks;
  for (const auto& instance : instances) {
    auto live = store_.find_live(instance.project_id, instance.environment);
    if (live && live->deployment_id == instance.deployment_id && !instance.compose_project.empty()) {
      live_stacks.insert(instance.compose_project);
    }
  }
  for (auto instance : instances) {
    try {
      auto live = store_.find_live(instance.project_id, instance.environment);
      if (!live || live->deployment_id != instance.deployment_id) {
        if (live_stacks.count(instance.compose_project)) {
          instance.active = false;  // compose replaces containers in place: this stack serves again
          store_.update_instance(instance);
        } else {
          to_stop.push_back(instance);
        }
        continue;
      }
      if (!instance.compose_project.empty()) {
        stacks.emplace_back(instance, *live);
        continue;
      }
      if (!instance.container.empty()) {
        recover_container(instance);
        continue;
      }
      const auto handle = exec::recorded_supervisor(instance.dir);
      if (exec::supervisor_alive(handle)) {
        instance.supervisor_pid = handle.pid;
        instance.supervisor_start_time = handle.start_time;
        store_.update_instance(instance);
        continue;
      }
      // Its supervisor died (killed, or the machine rebooted): start it again, same spec, same port.
      exec::kill_orphaned_app(instance.dir);
      auto restarted = exec::launch_supervisor(services_.settings.self_binary, instance.dir);
      instance.supervisor_pid = restarted.pid;
      instance.supervisor_start_time = restarted.start_time;
      store_.update_instance(instance);
      spdlog::info("restarted the supervisor of {} {}.{}", instance.environment, instance.process, instance.index);
    } catch (const std::exception& e) {
      spdlog::error("cannot recover instance {}: {}", instance.id, e.what());
    }
  }
  // nginx first: it must point at what is live (a crash may have come between
  // the live record and the reload) before anything it used is stopped.
  try {
    services_.proxy.start(store_);
  } catch (const std::exception& e) {
    spdlog::error("cannot start the proxy: {}; apps are not reachable until the next deployment", e.what());
  }
  // A deployment a crash cut short may have replaced a live stack's containers: apply the live
  // release's file again (compose changes nothing when the stack matches it).
  for (const auto& [instance, live] : stacks) {
    try {
      deploy::reapply_compose_stack(store_, services_.layout, instance, live);
      spdlog::info("applied the compose file of {} release {} again", instance.compose_project, live.release_number);
    } catch (const std::exception& e) {
      spdlog::error("cannot apply the compose file of {} again: {}", instance.compose_project, e.what());
    }
  }
  if (!stacks.empty()) {
    if (auto applied = services_.proxy.apply(store_); !applied) spdlog::error("{}", applied.error());
  }
  for (const auto& instance : to_stop) {
    spdlog::info("stopping instance {}{} left by an unfinished deployment", instance.id,
                 instance.container.empty() ? "" : " (container " + instance.container + ")");
  }
  for (const auto& warning : deploy::retire_instances(store_, services_.layout, to_stop, services_.settings.stop_grace)) {
    spdlog::error("{}", warning);
  }
}

// A live container is the engine's to keep running (restart policy); its published port may have
// changed when the engine restarted.
void DeploymentQueue::recover_container(store::Instance instance) {
  auto project = store_.find_project(instance.project_id);
  auto docker = deploy::docker_engine(services_.layout, project ? project->name : "", instance.docker_host);
  auto state = docker.run({"inspect", "--format", "{{.State.Status}}", instance.container}, {}, 30s);
  if (!state.ok()) {
    spdlog::error("the live container {} is gone ({}): deploy the app again", instance.container,
                  exec::last_line(state.output));
    return;
  }
  auto address = docker.published_address(instance.container, 0);
  if (!address) {
    spdlog::error("the live container {} is {} and publishes no port", instance.container,
                  exec::last_line(state.output));
    return;
  }
  const int port = deploy::published_port(*address);
  if (port != instance.port) {
    spdlog::info("container {} is now published on port {} (was {})", instance.container, port, instance.port);
    instance.port = port;
    store_.update_instance(instance);
  }
}

void DeploymentQueue::start() {
  started_ = true;
  for (const auto& deployment : interrupted_) notify_ended(deployment);
  interrupted_.clear();
  pump();
  schedule_watch();
}

void DeploymentQueue::schedule_watch() {
  watch_timer_.expires_after(std::chrono::seconds(5));
  watch_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    watch();
    schedule_watch();
  });
}

// What recover() does at start, also while the daemon runs: a supervisor of a
// live instance that died (killed by hand, the OOM killer) is started again.
// Instances of running deployments are theirs to handle.
void DeploymentQueue::watch() {
  try {
    for (auto instance : store_.list_instances(std::nullopt, true)) {
      auto live = store_.find_live(instance.project_id, instance.environment);
      if (!live || live->deployment_id != instance.deployment_id) continue;
      if (!instance.container.empty()) continue;  // the engine restarts containers
      if (exec::supervisor_alive(exec::recorded_supervisor(instance.dir))) continue;
      spdlog::warn("the supervisor of {} {}.{} is gone: starting it again", instance.environment, instance.process,
                   instance.index);
      exec::kill_orphaned_app(instance.dir);
      auto restarted = exec::launch_supervisor(services_.settings.self_binary, instance.dir);
      instance.supervisor_pid = restarted.pid;
      instance.supervisor_start_time = restarted.start_time;
      store_.update_instance(instance);
    }
  } catch (const std::exception& e) {
    spdlog::error("watching app instances: {}", e.what());
  }
}

void DeploymentQueue::run_succeeded(const store::Run& run, const store::Project& project,
                                    const std::vector<pipeline::Environment>& environments,
                                    const std::string& workspace) {
  std::vector<const pipeline::Environment*> targets;
  auto requested = deploy_after_run_.find(run.id);
  for (const auto& environment : environments) {
    const bool asked = requested != deploy_after_run_.end() && requested->second == environment.name;
    if (asked || (environment.after.empty() && branch_deploys(environment, project, run.branch))) {
      targets.push_back(&environment);
    }
  }
  const std::string requested_environment = requested != deploy_after_run_.end() ? requested->second : "";
  if (requested != deploy_after_run_.end()) deploy_after_run_.erase(requested);
  if (targets.empty()) return;

  const auto releases = store_.list_releases(project.id);
  const int number = releases.empty() ? 1 : releases.front().number + 1;
  const std::string dir = services_.layout.app_releases(project.name) + "/" + deploy::release_dir_name(number, run.commit);
  try {
    std::filesystem::create_directories(services_.layout.app_releases(project.name));
    deploy::make_release_tree(workspace, dir);
  } catch (const std::exception& e) {
    spdlog::error("run {}: cannot make release {}: {}", run.id, number, e.what());
    return;
  }
  store::Release release;
  release.project_id = project.id;
  release.run_id = run.id;
  release.commit = run.commit;
  release.config_version = store_.latest_config(project.id).version;
  release.dir = dir;
  release = store_.create_release(release);
  spdlog::info("run {}: release {} of {} made", run.id, release.number, project.name);

  for (const auto* environment : targets) {
    if (!deployable(environment->target)) {
      auto deployment = enqueue(project, environment->name, release.id, "deploy", run.trigger);
      deployment.status = DeploymentStatus::failed;
      deployment.reason = fmt::format("target '{}' is not supported by this version of slipway yet",
                                      pipeline::target_name(environment->target));
      deployment.finished_at = util::now_ms();
      store_.update_deployment(deployment);
      continue;
    }
    // `slipway deploy --ref` asked for this environment: a person decided, no second approval.
    const bool asked = requested_environment == environment->name;
    enqueue(project, environment->name, release.id, "deploy", run.trigger, asked ? "deployed by hand" : "");
  }
  pump();
}

void DeploymentQueue::deploy_when_passed(store::Id run_id, const std::string& environment) {
  deploy_after_run_[run_id] = environment;
}

util::Expected<std::string> DeploymentQueue::default_environment(const store::Project& project) {
  const auto releases = store_.list_releases(project.id);
  if (releases.empty()) return util::unexpected("app '" + project.name + "' has no release yet: push it first");
  auto plan = deploy::read_release_plan(releases.front().dir);
  if (!plan) return util::unexpected(plan.error());
  for (const auto& environment : plan->pipeline.environments) {
    if (deployable(environment.target)) return environment.name;
  }
  return util::unexpected("the newest release's slipway.yml has no environment with target: local or ssh");
}

util::Expected<store::Deployment> DeploymentQueue::deploy_release(const store::Project& project, std::string environment,
                                                                  int number, const std::string& trigger) {
  if (environment.empty()) {
    auto fallback = default_environment(project);
    if (!fallback) return util::unexpected(fallback.error());
    environment = *fallback;
  }
  std::optional<store::Release> release;
  if (number > 0) {
    release = store_.find_release(project.id, number);
    if (!release) return util::unexpected(fmt::format("app '{}' has no release {}", project.name, number));
  } else {
    auto releases = store_.list_releases(project.id);
    if (releases.empty()) return util::unexpected("app '" + project.name + "' has no release yet: push it first");
    release = releases.front();
  }
  if (!std::filesystem::is_directory(release->dir)) {
    return util::unexpected(fmt::format("release {} was pruned: its files are gone", release->number));
  }
  // Deploying by hand is a person's decision: it needs no second approval.
  auto deployment = enqueue(project, environment, release->id, "deploy", trigger, "deployed by hand");
  pump();
  return *store_.find_deployment(deployment.id);
}

util::Expected<store::Deployment> DeploymentQueue::approve(const store::Project& project, const std::string& environment,
                                                           const std::string& by) {
  auto waiting = store_.list_deployments({project.id, environment, DeploymentStatus::waiting, 1});
  if (waiting.empty()) return util::unexpected("nothing is waiting for approval in " + project.name + " " + environment);
  auto deployment = waiting.front();
  deployment.status = DeploymentStatus::queued;
  deployment.approved_by = by;
  deployment.reason.clear();
  deployment.finished_at = 0;
  store_.update_deployment(deployment);
  spdlog::info("deployment {} approved by {}", deployment.id, by);
  pump();
  return *store_.find_deployment(deployment.id);
}

util::Expected<store::Deployment> DeploymentQueue::reject(const store::Project& project, const std::string& environment,
                                                          const std::string& by, const std::string& why) {
  auto waiting = store_.list_deployments({project.id, environment, DeploymentStatus::waiting, 1});
  if (waiting.empty()) return util::unexpected("nothing is waiting for approval in " + project.name + " " + environment);
  auto deployment = waiting.front();
  deployment.status = DeploymentStatus::cancelled;
  deployment.approved_by = by;
  deployment.reason = "rejected by " + by + (why.empty() ? "" : ": " + why);
  deployment.finished_at = util::now_ms();
  store_.update_deployment(deployment);
  spdlog::info("deployment {} {}", deployment.id, deployment.reason);
  return deployment;
}

util::Expected<store::Deployment> DeploymentQueue::rollback(const store::Project& project, std::string environment, int to) {
  if (environment.empty()) {
    auto fallback = default_environment(project);
    if (!fallback) return util::unexpected(fallback.error());
    environment = *fallback;
  }
  auto live = store_.find_live(project.id, environment);
  if (!live) return util::unexpected("nothing is live in " + environment + " to roll back");
  std::optional<store::Release> target;
  if (to > 0) {
    target = store_.find_release(project.id, to);
    if (!target) return util::unexpected(fmt::format("app '{}' has no release {}", project.name, to));
  } else {
    if (live->previous_release_id == 0) {
      return util::unexpected("no release was live in " + environment + " before release " +
                              std::to_string(live->release_number));
    }
    target = store_.find_release(live->previous_release_id);
    if (!target) return util::unexpected("the previous release no longer exists");
  }
  if (!std::filesystem::is_directory(target->dir)) {
    return util::unexpected(fmt::format("release {} was pruned: its files are gone", target->number));
  }
  auto deployment = enqueue(project, environment, target->id, "rollback", "rollback");
  pump();
  return *store_.find_deployment(deployment.id);
}

// The release an environment is headed for: the newest queued or running
// deployment's (a push on its way must not be undone or dropped by a config
// or scale change), else the live one.
std::optional<store::Release> DeploymentQueue::headed_for(store::Id project_id, const std::string& environment) {
  store::DeploymentFilter filter;
  filter.project_id = project_id;
  filter.environment = environment;
  filter.limit = 20;
  for (const auto& deployment : store_.list_deployments(filter)) {
    // One that waits for approval is not on its way: a config change must not carry it live.
    if (deployment.status == DeploymentStatus::waiting) continue;
    if (!store::is_finished(deployment.status)) return store_.find_release(deployment.release_id);
  }
  auto live = store_.find_live(project_id, environment);
  return live ? store_.find_release(live->release_id) : std::nullopt;
}

// The same code as BASE with config version VERSION: BASE itself when it has it.
store::Release DeploymentQueue::with_config(const store::Release& base, int version) {
  if (base.config_version == version) return base;
  for (const auto& release : store_.list_releases(base.project_id)) {
    if (release.dir == base.dir && release.config_version == version) return release;
  }
  store::Release release = base;
  release.config_version = version;
  return store_.create_release(release);
}

std::vector<store::Deployment> DeploymentQueue::config_changed(const store::Project& project, int version) {
  std::vector<store::Deployment> out;
  for (const auto& live : store_.list_live()) {
    if (live.project_id != project.id) continue;
    auto base = headed_for(project.id, live.environment);
    if (!base) continue;
    out.push_back(enqueue(project, live.environment, with_config(*base, version).id, "config", "config"));
  }
  pump();
  for (auto& deployment : out) deployment = *store_.find_deployment(deployment.id);
  return out;
}

std::vector<store::Deployment> DeploymentQueue::formation_changed(const store::Project& project) {
  std::vector<store::Deployment> out;
  const int version = store_.latest_config(project.id).version;
  for (const auto& live : store_.list_live()) {
    if (live.project_id != project.id) continue;
    auto base = headed_for(project.id, live.environment);
    if (!base) continue;
    out.push_back(enqueue(project, live.environment, with_config(*base, version).id, "scale", "scale"));
  }
  pump();
  for (auto& deployment : out) deployment = *store_.find_deployment(deployment.id);
  return out;
}

util::Expected<void> DeploymentQueue::remove_app(const store::Project& project) {
  for (auto status : {DeploymentStatus::queued, DeploymentStatus::running}) {
    if (!store_.list_deployments({project.id, std::nullopt, status, 1}).empty()) {
      return util::unexpected("app '" + project.name + "' is being deployed; wait for its deployment to end");
    }
  }
  for (auto deployment : store_.list_deployments({project.id, std::nullopt, DeploymentStatus::waiting, 1000})) {
    deployment.status = DeploymentStatus::cancelled;
    deployment.reason = "the app was deleted";
    deployment.finished_at = util::now_ms();
    store_.update_deployment(deployment);
  }
  for (const auto& warning :
       deploy::retire_instances(store_, services_.layout, store_.list_instances(project.id, true),
                                 services_.settings.stop_grace)) {
    spdlog::warn("deleting {}: {}", project.name, warning);
  }
  for (const auto& live : store_.list_live()) {
    if (live.project_id == project.id) store_.clear_live(project.id, live.environment);
  }
  if (auto applied = services_.proxy.apply(store_); !applied) return applied;
  deploy::remove_tree(services_.layout.apps_dir() + "/" + project.name);
  deploy::remove_tree(services_.layout.app_releases(project.name));
  // Its key: a new app of the same name must not inherit the hosts that trust this one.
  deploy::remove_tree(services_.layout.ssh_dir(project.name));
  deploy::remove_app_images(services_.layout, project.name);
  return {};
}

store::Deployment DeploymentQueue::enqueue(const store::Project& project, const std::string& environment,
                                           store::Id release_id, const std::string& kind, const std::string& trigger,
                                           const std::string& approved_by) {
  // A newer deployment replaces one that waits for approval: approving must never put back an older release.
  for (auto waiting : store_.list_deployments({project.id, environment, DeploymentStatus::waiting, 100})) {
    waiting.status = DeploymentStatus::superseded;
    waiting.reason = "a newer deployment to " + environment + " was queued";
    waiting.finished_at = util::now_ms();
    store_.update_deployment(waiting);
  }
  store::Deployment deployment;
  deployment.approved_by = approved_by;
  deployment.project_id = project.id;
  deployment.environment = environment;
  deployment.release_id = release_id;
  deployment.kind = kind;
  deployment.trigger = trigger;
  deployment = store_.create_deployment(deployment);
  spdlog::info("deployment {} queued: release {} of {} to {}", deployment.id, deployment.release_number, project.name,
               environment);
  return deployment;
}

void DeploymentQueue::pump() {
  if (!started_ || stopping_) return;
  auto queued = store_.list_deployments({std::nullopt, std::nullopt, DeploymentStatus::queued, 10000});
  // Newest first: the first one seen per environment wins, the others are superseded.
  std::set<std::pair<store::Id, std::string>> seen;
  for (auto& deployment : queued) {
    auto key = std::make_pair(deployment.project_id, deployment.environment);
    if (!seen.insert(key).second) {
      deployment.status = DeploymentStatus::superseded;
      deployment.reason = "a newer deployment to " + deployment.environment + " was queued";
      deployment.finished_at = util::now_ms();
      store_.update_deployment(deployment);
      continue;
    }
    if (store_.claim_deployment(deployment.id, util::now_ms())) launch(*store_.find_deployment(deployment.id));
  }
}

void DeploymentQueue::launch(const store::Deployment& deployment) {
  auto worker = std::make_unique<Worker>();
  const auto id = deployment.id;
  const auto key = next_worker_++;
  worker->deployment_id = id;
  worker->thread = std::thread([this, deployment, id, key] {
    try {
      auto store = store::SqliteStore::open(database_path_);
      if (!store) throw util::Error(store.error());
      std::unique_ptr<deploy::DeploymentRun> run;
      const auto target = target_of(**store, deployment);
      if (target == pipeline::Target::ssh) {
        run = std::make_unique<deploy::SshDeployment>(services_, **store, deployment, stopping_);
      } else if (target == pipeline::Target::docker) {
        run = std::make_unique<deploy::DockerDeployment>(services_, **store, deployment, stopping_);
      } else if (target == pipeline::Target::compose) {
        run = std::make_unique<deploy::ComposeDeployment>(services_, **store, deployment, stopping_);
      } else {
        run = std::make_unique<deploy::LocalDeployment>(services_, **store, deployment, stopping_);
      }
      auto done = run->run();
      spdlog::info("deployment {} {}{}{}", done.id, store::to_string(done.status), done.reason.empty() ? "" : ": ",
                   done.reason.substr(0, done.reason.find('\n')));
    } catch (const std::exception& e) {
      spdlog::error("deployment {}: {}", deployment.id, e.what());
    }
    boost::asio::post(io_, [this, key, id] { finished(key, id); });
  });
  workers_[key] = std::move(worker);
}

// The target of DEPLOYMENT's environment in its release's slipway.yml (local when unreadable:
// LocalDeployment then reports what is wrong). Called on a worker thread: STORE is its own.
pipeline::Target DeploymentQueue::target_of(store::Store& store, const store::Deployment& deployment) {
  auto release = store.find_release(deployment.release_id);
  if (!release) return pipeline::Target::local;
  auto plan = deploy::read_release_plan(release->dir);
  if (!plan) return pipeline::Target::local;
  const auto* environment = deploy::find_environment(*plan, deployment.environment);
  return environment ? environment->target : pipeline::Target::local;
}

void DeploymentQueue::finished(std::uint64_t worker_key, store::Id deployment_id) {
  auto it = workers_.find(worker_key);
  if (it != workers_.end()) {
    if (it->second->thread.joinable()) it->second->thread.join();
    workers_.erase(it);
  }
  // Approved while its first run (which parked it) was still ending: the second run is its own.
  for (const auto& [key, worker] : workers_) {
    if (worker->deployment_id == deployment_id) {
      check_shutdown_done();
      pump();
      return;
    }
  }
  auto deployment = store_.find_deployment(deployment_id);
  if (deployment && deployment->status == DeploymentStatus::running) {
    // The worker could not even record its end (its store failed): say so.
    deployment->status = DeploymentStatus::failed;
    deployment->reason = "the deployment stopped unexpectedly; see the daemon's log";
    deployment->finished_at = util::now_ms();
    store_.update_deployment(*deployment);
  }
  if (deployment) notify_ended(*deployment);
  if (deployment && deployment->status == DeploymentStatus::success && !stopping_) promote_after(*deployment);
  check_shutdown_done();
  pump();
}

// Environments with `after: ENV` get the release that just went live in ENV.
void DeploymentQueue::promote_after(const store::Deployment& deployment) {
  auto release = store_.find_release(deployment.release_id);
  auto project = store_.find_project(deployment.project_id);
  if (!release || !project || deployment.kind != "deploy") return;
  auto plan = deploy::read_release_plan(release->dir);
  if (!plan) return;
  for (const auto& environment : plan->pipeline.environments) {
    if (environment.after != deployment.environment || !deployable(environment.target)) continue;
    // Exactly this release; with `approval: manual` it is delivered and then waits.
    enqueue(*project, environment.name, release->id, "deploy", "promotion");
  }
}

// Queues the notifications DEPLOYMENT's release asks for (on the loop: reading slipway.yml and
// inserting rows take milliseconds; sending is the DeliveryWorker's).
void DeploymentQueue::notify_ended(const store::Deployment& deployment) {
  if (!outbox_ || !notification_event(deployment)) return;
  try {
    auto release = store_.find_release(deployment.release_id);
    if (!release) return;
    auto plan = deploy::read_release_plan(release->dir);
    if (!plan || plan->pipeline.notify.empty()) return;
    outbox_->deployment_ended(deployment, plan->pipeline.notify, release->commit);
  } catch (const std::exception& e) {
    spdlog::error("deployment {}: cannot queue its notifications: {}", deployment.id, e.what());
  }
}

void DeploymentQueue::shutdown(std::function<void()> done) {
  stopping_ = true;
  watch_timer_.cancel();
  shutdown_done_ = std::move(done);
  check_shutdown_done();
}

void DeploymentQueue::check_shutdown_done() {
  if (!stopping_ || !workers_.empty() || !shutdown_done_) return;
  auto done = std::move(shutdown_done_);
  shutdown_done_ = nullptr;
  done();
}

}  // namespace slipway::scheduler
