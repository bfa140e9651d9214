#include "scheduler/scheduler.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <boost/asio/post.hpp>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "exec/docker_cli.h"
#include "scheduler/run_preparation.h"
#include "scm/git_repository.h"
#include "scm/names.h"
#include "scm/remote_heads.h"
#include "util/child_process.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/strings.h"
#include "util/fd.h"

namespace slipway::scheduler {

using store::RunStatus;
using store::StepStatus;

struct Scheduler::ActiveRun {
  store::Run run;
  store::Project project;
  std::vector<store::Step> steps;                                 // by position; 0 is setup
  std::vector<pipeline::Step> specs;                              // by position - 1
  std::vector<std::shared_ptr<exec::StepExecution>> executions;  // by position
  std::vector<std::uint64_t> log_sizes;                           // by position
  std::vector<pipeline::Environment> environments;              // the `deploy:` section
  std::optional<pipeline::CommitStatusSettings> status;          // `status:`: where its commit status goes
  std::string workspace;
  bool cancelling = false;
  bool interrupting = false;
};

namespace {

void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) spdlog::warn("cannot remove {}: {}", path, ec.message());
}

}  // namespace

Scheduler::Scheduler(boost::asio::io_context& io, store::Store& store, scm::RepositoryCache& repositories,
                     const store::HomeLayout& layout, SchedulerSettings settings)
    : io_(io), store_(store), repositories_(repositories), layout_(layout), settings_(std::move(settings)), shutdown_timer_(io) {
  if (settings_.executors < 1) settings_.executors = 1;
  janitor_ = std::make_unique<exec::ContainerJanitor>(exec::docker_home_label(layout_.home()));
}

Scheduler::~Scheduler() = default;

void Scheduler::recover() {
  // Nothing runs yet: any workspace or spooled upload is left from before.
  for (const auto& dir : {layout_.workspaces_dir(), layout_.home() + "/tmp"}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) remove_tree(entry.path().string());
  }
  for (auto run : store_.runs_with_status(RunStatus::running)) {
    for (auto step : store_.list_steps(run.id)) {
      if (step.status == StepStatus::running) {
        if (util::signal_group_if_same(static_cast<pid_t>(step.pgid), step.pgid_start_time, SIGKILL)) {
          spdlog::info("run {}: killed process group {} left from before the restart", run.id, step.pgid);
        }
        step.status = StepStatus::interrupted;
        step.reason = "slipway stopped while this step was running";
        step.finished_at = util::now_ms();
        store_.update_step(step);
      } else if (step.status == StepStatus::pending) {
        step.status = StepStatus::cancelled;
        step.reason = "the run was interrupted";
        store_.update_step(step);
      }
    }
    run.status = RunStatus::interrupted;
    run.reason = "slipway stopped while this run was running";
    run.finished_at = util::now_ms();
    store_.update_run(run);
    spdlog::info("run {} was running when slipway stopped: marked interrupted", run.id);
    if (outbox_) outbox_->run_interrupted(run);
  }
  // Step and service containers a killed daemon left behind, gone before a new run makes its own.
  janitor_->clean_all_runs();
  janitor_->wait_idle();
}

void Scheduler::start() {
  started_ = true;
  schedule_pump();
}

store::Run Scheduler::enqueue(const store::Project& project, const TriggerRequest& request) {
  store::Run run;
  run.project_id = project.id;
  run.status = RunStatus::queued;
  run.trigger = request.trigger;
  run.branch = request.branch;
  run.commit = request.commit;
  run.message = request.message;
  auto created = store_.create_run(run);
  spdlog::info("run {} queued: {} {} {} ({})", created.id, project.name, created.branch,
               created.commit.substr(0, 7), created.trigger);
  schedule_pump();
  return created;
}

CancelResult Scheduler::cancel(store::Id run_id) {
  auto it = active_.find(run_id);
  if (it == active_.end()) {
    auto run = store_.find_run(run_id);
    if (!run) return CancelResult::not_found;
    if (run->status != RunStatus::queued) return CancelResult::already_finished;
    run->status = RunStatus::cancelled;
    run->reason = "cancelled before it started";
    run->finished_at = util::now_ms();
    store_.update_run(*run);
    events_.publish({RunEvent::Kind::run_changed, run_id});
    return CancelResult::cancelled;
  }
  ActiveRun& active = *it->second;
  if (active.cancelling) return CancelResult::cancelled;
  active.cancelling = true;
  for (std::size_t p = 0; p < active.steps.size(); ++p) {
    if (active.steps[p].status == StepStatus::pending) set_step(active, p, StepStatus::cancelled, "run cancelled");
  }
  for (auto& execution : active.executions) {
    if (execution) execution->cancel();
  }
  finish_if_done(active);
  return CancelResult::cancelled;
}

void Scheduler::cancel_project(store::Id project_id) {
  std::vector<store::Id> ids;
  for (const auto& [id, active] : active_) {
    if (active->run.project_id == project_id) ids.push_back(id);
  }
  for (auto id : ids) cancel(id);
  store::RunFilter queued;
  queued.project_id = project_id;
  queued.status = RunStatus::queued;
  queued.limit = 100000;
  for (auto& run : store_.list_runs(queued)) {
    cancel(run.id);
  }
}

void Scheduler::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  shutting_down_ = true;
  shutdown_done_ = std::move(done);
  if (running_steps_ > 0) {
    spdlog::info("waiting up to {} ms for {} running step(s)", grace.count(), running_steps_);
  }
  shutdown_timer_.expires_after(grace);
  shutdown_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    for (auto& [id, active] : active_) {
      active->interrupting = true;
      for (auto& execution : active->executions) {
        if (execution) execution->cancel();
      }
    }
  });
  check_shutdown_done();
}

void Scheduler::check_shutdown_done() {
  if (!shutting_down_ || running_steps_ > 0) return;
  // Nothing runs any more: what is left active cannot go on without us.
  std::vector<store::Id> ids;
  for (const auto& [id, active] : active_) ids.push_back(id);
  for (auto id : ids) {
    auto it = active_.find(id);
    if (it == active_.end()) continue;
    ActiveRun& active = *it->second;
    for (std::size_t p = 0; p < active.steps.size(); ++p) {
      if (active.steps[p].status == StepStatus::pending) {
        set_step(active, p, StepStatus::cancelled, "slipway stopped before this step could start");
      }
    }
    finish_run(active, RunStatus::interrupted, "slipway stopped while this run was running");
  }
  shutdown_timer_.cancel();
  if (shutdown_done_) {
    auto done = std::move(shutdown_done_);
    shutdown_done_ = nullptr;
    done();
  }
}

std::uint64_t Scheduler::log_size(store::Id run_id, int position) const {
  auto it = active_.find(run_id);
  if (it != active_.end() && position >= 0 && static_cast<std::size_t>(position) < it->second->log_sizes.size()) {
    return it->second->log_sizes[static_cast<std::size_t>(position)];
  }
  struct stat st {};
  if (::stat(layout_.step_log(run_id, position).c_str(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

bool Scheduler::step_running(store::Id run_id, const std::string& step) const {
  auto it = active_.find(run_id);
  if (it == active_.end()) return false;
  for (const auto& s : it->second->steps) {
    if (s.name == step && s.status == StepStatus::running) return true;
  }
  return false;
}

void Scheduler::schedule_pump() {
  if (pump_scheduled_ || !started_) return;
  pump_scheduled_ = true;
  boost::asio::post(io_, [this] {
    pump_scheduled_ = false;
    pump();
  });
}

void Scheduler::pump() {
  try {
    dispatch();
  } catch (const std::exception& e) {
    // The store refused (busy, full): keep serving; the next event pumps again.
    spdlog::error("dispatching runs: {}", e.what());
  }
}

void Scheduler::dispatch() {
  if (shutting_down_) return;
  const auto limit = static_cast<std::size_t>(settings_.executors);
  // Older runs first: finish what was started before starting more.
  std::vector<store::Id> ids;
  for (const auto& [id, active] : active_) ids.push_back(id);
  for (auto id : ids) {
    if (running_steps_ >= limit) return;
    auto it = active_.find(id);
    if (it != active_.end()) start_steps(*it->second);
  }
  // Runs are checked out ahead of free executors, but only a few: enough to
  // keep the executors busy, never a workspace for every queued run.
  while (running_steps_ < limit && active_.size() < 2 * limit) {
    auto queued = store_.queued_runs(1);
    if (queued.empty()) return;
    activate(std::move(queued.front()));
  }
}

void Scheduler::activate(store::Run run) {
  auto project = store_.find_project(run.project_id);
  auto owned = std::make_unique<ActiveRun>();
  ActiveRun& active = *owned;
  active.run = std::move(run);
  active.run.status = RunStatus::running;
  active.run.started_at = util::now_ms();
  active.workspace = layout_.workspace(active.run.id);
  store_.update_run(active.run);
  active_.emplace(active.run.id, std::move(owned));

  store::Step setup;
  setup.position = 0;
  setup.name = "setup";
  setup.status = StepStatus::running;
  setup.started_at = util::now_ms();
  active.steps = store_.insert_steps(active.run.id, {setup});
  active.executions.resize(1);
  active.log_sizes.assign(1, 0);
  std::error_code ec;
  std::filesystem::create_directories(layout_.run_logs(active.run.id), ec);
  events_.publish({RunEvent::Kind::run_changed, active.run.id});

  if (!project) {
    set_step(active, 0, StepStatus::failed, "project deleted");
    finish_run(active, RunStatus::failed, "the project was deleted");
    return;
  }
  active.project = *project;
  append_setup_log(active, fmt::format("run {} of {}: {} {} ({})\n", active.run.id, active.project.name,
                                       active.run.branch, active.run.commit.substr(0, 7), active.run.trigger));
  if (!active.project.source_url.empty()) {
    fetch_then_prepare(active);
  } else {
    prepare(active);
  }
}

void Scheduler::fetch_then_prepare(ActiveRun& active) {
  auto repo = repositories_.bare(layout_.repo(active.project.name), /*create=*/true);
  if (repo && !active.run.commit.empty() && (*repo)->resolve(active.run.commit)) {
    prepare(active);  // a webhook's commit that is already here: no need to ask the remote
    return;
  }
  append_setup_log(active, "fetching " + scm::redact_url(active.project.source_url) + "\n");
  exec::StepOptions options;
  // Every value is its own argv element; "--" keeps the URL from being read as an option.
  options.argv = {"git",   "--git-dir", layout_.repo(active.project.name), "fetch", "--quiet", "--prune",
                  "--no-tags", "--", active.project.source_url, "+refs/heads/*:refs/heads/*",
                  "+refs/tags/*:refs/tags/*"};  // a tag's commit need not be on a branch
  options.env = scm::remote_git_env(settings_.base_env);
  options.log_path = layout_.step_log(active.run.id, 0);
  options.timeout = std::chrono::minutes(10);
  options.kill_grace = settings_.kill_grace;
  const auto run_id = active.run.id;
  try {
    ++running_steps_;
    active.executions[0] = exec::StepExecution::start(
        io_, options,
        [this, run_id](std::uint64_t size) {
          auto it = active_.find(run_id);
          if (it == active_.end()) return;
          it->second->log_sizes[0] = size;
          events_.publish({RunEvent::Kind::log_grew, run_id, 0});
        },
        [this, run_id](const exec::StepOutcome& outcome) {
          --running_steps_;
          auto it = active_.find(run_id);
          if (it == active_.end()) return;
          ActiveRun& a = *it->second;
          a.executions[0].reset();
          if (a.cancelling || a.interrupting || !outcome.succeeded()) {
            auto status = a.cancelling ? StepStatus::cancelled
                          : a.interrupting ? StepStatus::interrupted
                                           : StepStatus::failed;
            set_step(a, 0, status, "git fetch: " + outcome.description, outcome.exit_code);
            finish_if_done(a);
          } else {
            prepare(a);
          }
          schedule_pump();
          check_shutdown_done();
        });
  } catch (const util::Error& e) {
    --running_steps_;
    append_setup_log(active, std::string("cannot start git: ") + e.what() + "\n");
    set_step(active, 0, StepStatus::failed, e.what());
    finish_if_done(active);
  }
}

void Scheduler::prepare(ActiveRun& active) {
  auto repo = repositories_.bare(layout_.repo(active.project.name));
  if (!repo) {
    append_setup_log(active, repo.error() + "\n");
    set_step(active, 0, StepStatus::failed, repo.error());
    finish_run(active, RunStatus::failed, repo.error());
    return;
  }
  if (active.run.commit.empty() || active.run.commit.size() != 40) {
    // A run asked for by ref before the commit was known (a remote project): resolve it now.
    auto commit = (*repo)->resolve(active.run.commit.empty() ? active.run.branch : active.run.commit);
    if (!commit) {
      std::string reason = "no commit for '" + active.run.branch + "' in the repository";
      append_setup_log(active, reason + "\n");
      set_step(active, 0, StepStatus::failed, reason);
      finish_run(active, RunStatus::failed, reason);
      return;
    }
    active.run.commit = commit->id;
    if (active.run.message.empty()) active.run.message = commit->summary;
    store_.update_run(active.run);
  } else if (active.run.message.empty()) {
    // A polled head: its commit was known before the fetch, its message only after.
    if (auto commit = (*repo)->resolve(active.run.commit)) {
      active.run.message = commit->summary;
      store_.update_run(active.run);
    }
  }
  auto prepared = prepare_run(**repo, active.run, active.workspace,
                              [&](const std::string& text) { append_setup_log(active, text); });
  switch (prepared.outcome) {
    case PreparedRun::Outcome::failed:
      set_step(active, 0, StepStatus::failed, prepared.reason);
      finish_run(active, RunStatus::failed, prepared.reason);
      return;
    case PreparedRun::Outcome::skipped:
      set_step(active, 0, StepStatus::success, "");
      finish_run(active, RunStatus::skipped, prepared.reason);
      return;
    case PreparedRun::Outcome::ready:
      break;
  }
  std::vector<store::Step> steps;
  for (std::size_t i = 0; i < prepared.pipeline.steps.size(); ++i) {
    const auto& spec = prepared.pipeline.steps[i];
    store::Step step;
    step.position = static_cast<int>(i + 1);
    step.name = spec.name;
    for (auto need : spec.need_indices) step.needs.push_back(static_cast<int>(need + 1));
    if (!prepared.selected[i]) {
      step.status = StepStatus::skipped;
      step.reason = "when.branch does not match '" + active.run.branch + "'";
    }
    steps.push_back(std::move(step));
  }
  auto inserted = store_.insert_steps(active.run.id, steps);
  for (auto& step : inserted) {
    active.steps.push_back(std::move(step));
    events_.publish({RunEvent::Kind::step_changed, active.run.id, active.steps.back().position});
  }
  active.specs = std::move(prepared.pipeline.steps);
  active.environments = std::move(prepared.pipeline.environments);
  active.status = std::move(prepared.pipeline.status);
  if (active.status && outbox_) outbox_->run_status(*active.status, active.run, RunPhase::started);
  active.executions.resize(active.steps.size());
  active.log_sizes.resize(active.steps.size(), 0);
  set_step(active, 0, StepStatus::success, "", 0);
  finish_if_done(active);
  schedule_pump();
}

void Scheduler::start_steps(ActiveRun& active) {
  if (active.cancelling || active.interrupting || shutting_down_) return;
  const auto limit = static_cast<std::size_t>(settings_.executors);
  for (std::size_t p = 1; p < active.steps.size(); ++p) {
    if (running_steps_ >= limit) return;
    if (active.steps[p].status != StepStatus::pending) continue;
    bool ready = true;
    for (int need : active.steps[p].needs) {
      auto status = active.steps[static_cast<std::size_t>(need)].status;
      // A step skipped by its branch filter does not hold back what needs it;
      // one skipped because something failed has already skipped its dependents.
      if (status != StepStatus::success && status != StepStatus::skipped) ready = false;
    }
    if (!ready) continue;
    const auto run_id = active.run.id;
    start_step(active, p);
    // A step that cannot start fails, and that may have finished (and freed) the run.
    if (active_.find(run_id) == active_.end()) return;
  }
}

std::vector<std::string> Scheduler::step_env(const ActiveRun& active, const pipeline::Step& step) const {
  std::vector<std::string> env = settings_.base_env;
  env.push_back("CI=true");
  env.push_back("SLIPWAY=true");
  env.push_back("SLIPWAY_PROJECT=" + active.project.name);
  env.push_back("SLIPWAY_RUN=" + std::to_string(active.run.id));
  env.push_back("SLIPWAY_COMMIT=" + active.run.commit);
  env.push_back("SLIPWAY_BRANCH=" + active.run.branch);
  env.push_back("SLIPWAY_STEP=" + step.name);
  env.push_back("SLIPWAY_WORKSPACE=" + active.workspace);
  for (const auto& var : step.env) env.push_back(var.name + "=" + var.value);
  return env;
}

void Scheduler::start_step(ActiveRun& active, std::size_t position) {
  const pipeline::Step& spec = active.specs[position - 1];
  exec::StepOptions options;
  // The script comes from the repository's own slipway.yml; branch names,
  // commit messages and the like only ever reach it as environment variables.
  options.env = step_env(active, spec);
  if (step_config_) {
    try {
      auto config = step_config_(active.project.id);
      // The app's configuration comes first: the step's own `env:` wins over it.
      options.env.insert(options.env.begin() + static_cast<std::ptrdiff_t>(settings_.base_env.size()),
                         config.env.begin(), config.env.end());
      options.masked = std::move(config.secrets);
      options.env = util::unique_environment(std::move(options.env));
    } catch (const std::exception& e) {
      set_step(active, position, StepStatus::failed, std::string("cannot read the app's configuration: ") + e.what());
      skip_dependents(active, position);
      finish_if_done(active);
      return;
    }
  }
  options.argv = spec.image.empty() ? std::vector<std::string>{"/bin/sh", "-e", "-c", spec.script()}
                                     : container_step_argv(active, position, options.env);
  options.cwd = active.workspace;
  options.log_path = layout_.step_log(active.run.id, static_cast<int>(position));
  options.timeout = spec.timeout;
  options.kill_grace = settings_.kill_grace;
  const auto run_id = active.run.id;
  try {
    active.executions[position] = exec::StepExecution::start(
        io_, options,
        [this, run_id, position](std::uint64_t size) {
          auto it = active_.find(run_id);
          if (it == active_.end()) return;
          it->second->log_sizes[position] = size;
          events_.publish({RunEvent::Kind::log_grew, run_id, static_cast<int>(position)});
        },
        [this, run_id, position](const exec::StepOutcome& outcome) {
          try {
            on_step_exit(run_id, position, outcome);
          } catch (const std::exception& e) {
            spdlog::error("run {}: recording the end of step {}: {}", run_id, position, e.what());
          }
        });
  } catch (const util::Error& e) {
    set_step(active, position, StepStatus::failed, e.what());
    skip_dependents(active, position);
    finish_if_done(active);
    return;
  }
  ++running_steps_;
  auto& step = active.steps[position];
  step.pgid = active.executions[position]->pgid();
  step.pgid_start_time = active.executions[position]->start_time();
  step.started_at = util::now_ms();
  set_step(active, position, StepStatus::running, "");
}

std::vector<std::string> Scheduler::container_step_argv(const ActiveRun& active, std::size_t position,
                                                       const std::vector<std::string>& env) const {
  const pipeline::Step& spec = active.specs[position - 1];
  exec::ContainerStepSpec container;
  container.home_label = exec::docker_home_label(layout_.home());
  container.run_id = active.run.id;
  container.position = static_cast<int>(position);
  container.image = spec.image;
  container.script = spec.script();
  container.workspace = active.workspace;
  container.services = spec.services;
  // This machine's PATH, HOME, ... are not the image's: only what Slipway, the app's config or
  // the step set goes in.
  std::set<std::string> inherited(settings_.base_env.begin(), settings_.base_env.end());
  for (const auto& entry : env) {
    if (!inherited.count(entry)) container.env_names.push_back(entry.substr(0, entry.find('=')));
  }
  return {settings_.self_binary, "container-step", exec::to_json(container)};
}

void Scheduler::on_step_exit(store::Id run_id, std::size_t position, const exec::StepOutcome& outcome) {
  --running_steps_;
  auto it = active_.find(run_id);
  if (it != active_.end()) {
    ActiveRun& active = *it->second;
    active.executions[position].reset();
    active.steps[position].pgid = 0;
    StepStatus status = StepStatus::success;
    if (outcome.succeeded()) {
      status = StepStatus::success;
    } else if (active.interrupting) {
      status = StepStatus::interrupted;
    } else if (outcome.cancelled) {
      status = StepStatus::cancelled;
    } else {
      status = StepStatus::failed;
    }
    std::string reason;  // the status says enough for success and cancel
    if (status == StepStatus::failed) reason = outcome.description;
    if (status == StepStatus::interrupted) reason = "slipway stopped while this step was running";
    set_step(active, position, status, reason, outcome.exit_code);
    if (status != StepStatus::success) skip_dependents(active, position);
    finish_if_done(active);
  }
  schedule_pump();
  check_shutdown_done();
}

void Scheduler::skip_dependents(ActiveRun& active, std::size_t position) {
  for (std::size_t p = position + 1; p < active.steps.size(); ++p) {
    if (active.steps[p].status != StepStatus::pending) continue;
    for (int need : active.steps[p].needs) {
      if (static_cast<std::size_t>(need) == position) {
        set_step(active, p, StepStatus::skipped, "needs '" + active.steps[position].name + "', which did not succeed");
        skip_dependents(active, p);
        break;
      }
    }
  }
}

void Scheduler::finish_if_done(ActiveRun& active) {
  bool any_failed = false;
  bool any_interrupted = false;
  for (std::size_t p = 0; p < active.steps.size(); ++p) {
    if (!store::is_finished(active.steps[p].status) || active.executions[p]) return;
    any_failed = any_failed || active.steps[p].status == StepStatus::failed;
    any_interrupted = any_interrupted || active.steps[p].status == StepStatus::interrupted;
  }
  if (active.interrupting || any_interrupted) {
    finish_run(active, RunStatus::interrupted, "slipway stopped while this run was running");
  } else if (active.cancelling) {
    finish_run(active, RunStatus::cancelled, "cancelled");
  } else if (any_failed) {
    std::string failed_steps;
    for (const auto& step : active.steps) {
      if (step.status != StepStatus::failed) continue;
      failed_steps += (failed_steps.empty() ? "" : ", ") + step.name;
    }
    finish_run(active, RunStatus::failed, "failed: " + failed_steps);
  } else {
    finish_run(active, RunStatus::success, "");
  }
}

void Scheduler::finish_run(ActiveRun& active, RunStatus status, const std::string& reason) {
  const auto run_id = active.run.id;
  active.run.status = status;
  active.run.reason = reason;
  active.run.finished_at = util::now_ms();
  // The run's end and its last commit status are written together: a crash between them
  // would leave the forge showing "pending" for good.
  store_.transaction([&] {
    store_.update_run(active.run);
    if (active.status && outbox_) {
      if (auto phase = run_phase(status)) outbox_->run_status(*active.status, active.run, *phase);
    }
  });
  if (active.status && outbox_) outbox_->wake();  // run_status's own wake came before the commit
  if (status == RunStatus::success && run_succeeded_ && !active.environments.empty()) {
    try {
      run_succeeded_(active.run, active.project, active.environments, active.workspace);
    } catch (const std::exception& e) {
      spdlog::error("run {}: cannot start its deployment: {}", run_id, e.what());
    }
  }
  remove_tree(active.workspace);
  for (const auto& spec : active.specs) {
    if (!spec.image.empty()) {
      janitor_->clean_run(run_id);
      break;
    }
  }
  spdlog::info("run {} {}{}{}", run_id, store::to_string(status), reason.empty() ? "" : ": ", reason);
  // Followers read the final state from the store, so the run may leave memory first.
  auto owned = std::move(active_.at(run_id));
  active_.erase(run_id);
  events_.publish({RunEvent::Kind::run_changed, run_id});
  schedule_pump();
}

void Scheduler::set_step(ActiveRun& active, std::size_t position, StepStatus status, const std::string& reason,
                         int exit_code) {
  auto& step = active.steps[position];
  step.status = status;
  step.reason = reason;
  if (exit_code >= 0) step.exit_code = exit_code;
  if (store::is_finished(status)) step.finished_at = util::now_ms();
  store_.update_step(step);
  events_.publish({RunEvent::Kind::step_changed, active.run.id, static_cast<int>(position)});
}

void Scheduler::append_setup_log(ActiveRun& active, const std::string& text) {
  try {
    util::Fd fd = util::open_file(layout_.step_log(active.run.id, 0), O_WRONLY | O_CREAT | O_APPEND);
    util::write_all(fd.get(), text.data(), text.size());
    active.log_sizes[0] += text.size();
  } catch (const util::Error& e) {
    spdlog::warn("run {}: {}", active.run.id, e.what());
    return;
  }
  events_.publish({RunEvent::Kind::log_grew, active.run.id, 0});
}

}  // namespace slipway::scheduler
