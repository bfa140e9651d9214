#include "deploy/deployment_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "deploy/app_config.h"
#include "deploy/release_directory.h"
#include "util/child_process.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::deploy {

using store::DeploymentStatus;

DeploymentRun::DeploymentRun(DeployServices& services, store::Store& store, store::Deployment deployment,
                             const std::atomic<bool>& stopping)
    : services_(services), store_(store), deployment_(std::move(deployment)), stopping_(stopping) {}

store::Deployment DeploymentRun::run() {
  try {
    log_ = std::make_unique<DeploymentLog>(services_.layout.deployment_log(deployment_.id), std::vector<std::string>{});
    load();
    if (builds_on_this_machine()) build_release();
    execute();
    if (parked_) {
      finish(DeploymentStatus::waiting, "waiting for approval: slipway approve " + project_.name + " " +
                                            deployment_.environment);
    } else {
      finish(DeploymentStatus::success, "");
    }
  } catch (const DeployFailure& failure) {
    abandon();
    // The reason last, once; the process's own lines (already time-stamped) below it.
    if (log_) {
      log_->line("deployment failed: " + failure.reason);
      if (!failure.details.empty()) log_->output("last lines of its log:\n" + failure.details + "\n");
    }
    finish(DeploymentStatus::failed, failure.details.empty() ? failure.reason : failure.reason + "\n" + failure.details);
  } catch (const DeployInterrupted&) {
    if (log_) log_->line("slipway is stopping: the deployment is interrupted, the old version keeps serving");
    abandon();
    finish(DeploymentStatus::interrupted, "slipway stopped during this deployment");
  } catch (const std::exception& e) {
    abandon();
    if (log_) log_->line(std::string("deployment failed: ") + e.what());
    finish(DeploymentStatus::failed, e.what());
  }
  return deployment_;
}

// Removes release trees beyond `keep`, never one that is live, previous, or about to be deployed.
void DeploymentRun::prune_releases() {
  const int keep = environment_->keep;
  std::set<int> protected_numbers;
  std::set<store::Id> protected_ids;
  for (const auto& live : store_.list_live()) {
    if (live.project_id != project_.id) continue;
    protected_ids.insert(live.release_id);
    protected_ids.insert(live.previous_release_id);
  }
  // ... and whatever another environment is about to deploy.
  for (auto status : {store::DeploymentStatus::queued, store::DeploymentStatus::running}) {
    for (const auto& d : store_.list_deployments({project_.id, std::nullopt, status, 1000})) protected_ids.insert(d.release_id);
  }
  auto releases = store_.list_releases(project_.id);
  std::vector<int> numbers;
  for (const auto& release : releases) {
    if (!std::filesystem::exists(release.dir)) continue;  // pruned before
    numbers.push_back(release.number);
    if (protected_ids.count(release.id)) protected_numbers.insert(release.number);
  }
  auto doomed = releases_to_prune(numbers, keep, protected_numbers);
  std::set<int> doomed_set(doomed.begin(), doomed.end());
  for (const auto& release : releases) {
    if (!doomed_set.count(release.number)) continue;
    // A config release shares its code tree with the release it was made from.
    bool shared = false;
    for (const auto& other : releases) {
      shared = shared || (other.dir == release.dir && !doomed_set.count(other.number));
    }
    if (shared) continue;
    remove_tree(release.dir);
    log_->line(fmt::format("pruned release {}", release.number));
  }
}

void DeploymentRun::go_live() {
  store_.set_live(live_record());
  auto applied = services_.proxy.apply(store_);
  if (!applied) {
    // Back to what serves now, in the store and in nginx (which may have taken
    // the new configuration after all, e.g. a reload that was slow to finish),
    // before the new instances are stopped.
    if (previous_) {
      store_.set_live(*previous_);
    } else {
      store_.clear_live(project_.id, deployment_.environment);
    }
    if (auto restored = services_.proxy.apply(store_); !restored) {
      log_->line("warning: could not restore the proxy configuration: " + restored.error());
    }
    throw DeployFailure{"the proxy refused the new configuration: " + applied.error()};
  }
  switched_ = true;
}

void DeploymentRun::log_live_url() {
  std::vector<store::LiveRelease> of_app;
  for (const auto& other : store_.list_live()) {
    if (other.project_id == project_.id) of_app.push_back(other);
  }
  log_->line(fmt::format("release {} is live at {}", release_.number,
                         services_.proxy.url(project_.name, deployment_.environment,
                                             is_primary_environment(of_app, deployment_.environment))));
}

store::LiveRelease DeploymentRun::live_record() const {
  store::LiveRelease live;
  live.project_id = project_.id;
  live.environment = deployment_.environment;
  live.deployment_id = deployment_.id;
  live.release_id = release_.id;
  live.previous_release_id = previous_ ? previous_->release_id : 0;
  live.since = util::now_ms();
  return live;
}

void DeploymentRun::load() {
  auto project = store_.find_project(deployment_.project_id);
  auto release = store_.find_release(deployment_.release_id);
  if (!project || !release) throw DeployFailure{"the project or its release no longer exists"};
  project_ = *project;
  release_ = *release;
  if (!std::filesystem::is_directory(release_.dir)) {
    throw DeployFailure{fmt::format("release {} was pruned: its files are gone", release_.number)};
  }

  auto config = store_.find_config(project_.id, release_.config_version);
  if (!config) throw DeployFailure{fmt::format("config version {} is missing", release_.config_version)};
  auto resolved = resolve_config(*config, services_.secrets);
  config_env_ = std::move(resolved.env);
  secrets_ = std::move(resolved.secrets);
  log_ = std::make_unique<DeploymentLog>(log_->path(), secrets_);

  previous_ = store_.find_live(project_.id, deployment_.environment);
  deployment_.previous_release_id = previous_ ? previous_->release_id : 0;
  store_.update_deployment(deployment_);

  log_->line(fmt::format("{} release {} ({}) of {} to {}{}", deployment_.kind, release_.number,
                         release_.commit.substr(0, 7), project_.name, deployment_.environment,
                         !previous_                                   ? ""
                         : previous_->release_id == release_.id ? ", replacing its running instances"
                                                                : fmt::format(", replacing release {}", previous_->release_number)));
  if (!deployment_.approved_by.empty()) log_->line("approved by " + deployment_.approved_by);
  auto plan = read_release_plan(release_.dir);
  if (!plan) throw DeployFailure{plan.error()};
  plan_ = std::move(*plan);
  environment_ = find_environment(plan_, deployment_.environment);
  if (!environment_) {
    throw DeployFailure{fmt::format("release {}'s slipway.yml has no environment '{}'", release_.number,
                                    deployment_.environment)};
  }
  std::error_code ec;
  const bool containers =
      environment_->target == pipeline::Target::docker || environment_->target == pipeline::Target::compose;
  if (containers && std::filesystem::is_regular_file(release_.dir + "/Dockerfile", ec)) {
    log_->line("app: its Dockerfile");  // builds and runs it, whatever detection would say
  } else {
    log_->line("app: " + plan_.app.description);
  }
  for (const auto& warning : plan_.app.warnings) log_->line("warning: " + warning);
  store_.set_release_app_type(release_.id, std::string(pipeline::app_type_name(plan_.app.type)));
}

// What detection says is still missing from the release (a static site's
// output, a Node server's node_modules) is built once, in the release tree.
void DeploymentRun::build_release() {
  if (plan_.app.build_commands.empty()) return;
  const bool static_site = !plan_.app.static_root.empty();
  const auto product = std::filesystem::path(release_.dir) / (static_site ? plan_.app.static_root : "node_modules");
  if (static_site && std::filesystem::is_directory(product)) return;
  try {
    for (const auto& command : plan_.app.build_commands) run_command("build", command);
    if (static_site && !std::filesystem::is_directory(product)) {
      throw DeployFailure{"the build did not produce " + plan_.app.static_root + "/"};
    }
  } catch (...) {
    // Half a build must not look like a finished one to the next deployment of this release.
    std::error_code ec;
    std::filesystem::remove_all(product, ec);
    throw;
  }
}

// Runs COMMAND (from the release's Procfile or the detected build) in the
// release tree with the app's environment; its output goes to the log.
void DeploymentRun::run_command(const std::string& what, const std::string& command, const std::string& dir) {
  log_->line(what + ": " + command);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) util::throw_errno("pipe");
  util::Fd read_end(fds[0]);
  util::Fd write_end(fds[1]);
  util::SpawnOptions options;
  options.argv = {"/bin/sh", "-e", "-c", command};
  options.env = process_env(0);
  options.cwd = dir.empty() ? release_.dir : dir;
  options.stdout_fd = write_end.get();
  options.new_session = true;
  auto child = util::ChildProcess::spawn(options);
  write_end = util::Fd();

  const auto deadline = std::chrono::steady_clock::now() + services_.settings.command_timeout;
  std::string pending;
  char buffer[8192];
  bool timed_out = false;
  bool interrupted = false;
  for (;;) {
    if (std::chrono::steady_clock::now() > deadline) {
      timed_out = true;
      break;
    }
    if (stopping_) {
      interrupted = true;
      break;
    }
    pollfd pfd{read_end.get(), POLLIN, 0};
    int ready = ::poll(&pfd, 1, 200);
    if (ready < 0 && errno != EINTR) util::throw_errno("poll");
    if (ready <= 0) continue;
    ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(n));
    auto newline = pending.rfind('\n');
    if (newline != std::string::npos) {
      log_->output(pending.substr(0, newline + 1));
      pending.erase(0, newline + 1);
    } else if (pending.size() > 64 * 1024) {  // progress bars redraw with \r and never end a line
      log_->output(pending + "\n");
      pending.clear();
    }
  }
  if (!pending.empty()) log_->output(pending + "\n");
  if (timed_out || interrupted) {
    child.signal_group(SIGKILL);
    child.wait();
    if (interrupted) throw DeployInterrupted{};
    throw DeployFailure{what + " timed out"};
  }
  int status = child.wait();
  if (util::exit_code_of(status) != 0) {
    throw DeployFailure{what + " failed: " + util::describe_wait_status(status)};
  }
}

std::vector<std::string> DeploymentRun::process_env(int port) const {
  std::vector<std::string> env = services_.settings.base_env;
  env.push_back("SLIPWAY_APP=" + project_.name);
  env.push_back("SLIPWAY_ENVIRONMENT=" + deployment_.environment);
  env.push_back("SLIPWAY_RELEASE=" + std::to_string(release_.number));
  env.push_back("SLIPWAY_COMMIT=" + release_.commit);
  env.push_back("PYTHONUNBUFFERED=1");
  if (plan_.app.type == pipeline::AppType::node) env.push_back("NODE_ENV=production");
  if (port > 0) env.push_back("PORT=" + std::to_string(port));
  // The app's own configuration comes last so that it wins over the defaults above.
  env.insert(env.end(), config_env_.begin(), config_env_.end());
  return util::unique_environment(std::move(env));
}

void DeploymentRun::finish(DeploymentStatus status, const std::string& reason) {
  deployment_.status = status;
  deployment_.reason = util::mask_secrets(reason, secrets_);
  if (deployment_.reason.size() > 4000) deployment_.reason.resize(4000);
  deployment_.finished_at = util::now_ms();
  if (log_ && status == DeploymentStatus::success) log_->line("deployment succeeded");
  store_.update_deployment(deployment_);
}

}  // namespace slipway::deploy
