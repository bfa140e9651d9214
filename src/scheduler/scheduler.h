// Turns triggers into runs and runs into executing steps: the queue lives in
// the store (so it survives restarts), at most `executors` steps run at once,
// and every state change is written to the store before it is announced.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/container_step.h"
#include "exec/step_execution.h"
#include "pipeline/pipeline_file.h"
#include "scm/repository_cache.h"
#include "scheduler/outbox.h"
#include "scheduler/run_events.h"
#include "store/home_layout.h"
#include "store/store.h"

namespace slipway::scheduler {

struct SchedulerSettings {
  int executors = 2;                            // steps running at once, over all runs
  std::chrono::milliseconds kill_grace{5000};   // SIGTERM -> SIGKILL for cancel and timeout
  std::vector<std::string> base_env;            // inherited by every step (PATH, HOME, ...)
  std::string self_binary;                      // this slipway: `slipway container-step` runs steps with `image:`
};

struct TriggerRequest {
  std::string trigger;  // push | manual | webhook | rerun
  std::string branch;
  std::string commit;
  std::string message;
};

enum class CancelResult { cancelled, not_found, already_finished };

class Scheduler {
 public:
  Scheduler(boost::asio::io_context& io, store::Store& store, scm::RepositoryCache& repositories,
            const store::HomeLayout& layout, SchedulerSettings settings);
  ~Scheduler();

  // On start: runs left `running` by a daemon that died are marked
  // interrupted and their leftover process groups are killed.
  void recover();
  // Starts dispatching queued runs.
  void start();

  store::Run enqueue(const store::Project& project, const TriggerRequest& request);
  CancelResult cancel(store::Id run_id);
  // Cancels every active run of a project (before it is deleted).
  void cancel_project(store::Id project_id);

  // Stops dispatching; lets running steps finish for up to GRACE, then kills
  // them and records their runs as interrupted; calls DONE when nothing runs.
  void shutdown(std::chrono::milliseconds grace, std::function<void()> done);

  // Called when a run passed, before its workspace is removed (the callee may
  // move the workspace away to make a release of it).
  using RunSucceeded = std::function<void(const store::Run&, const store::Project&,
                                          const std::vector<pipeline::Environment>&, const std::string& workspace)>;
  void on_run_succeeded(RunSucceeded hook) { run_succeeded_ = std::move(hook); }

  // The app's configuration for a project's steps: "KEY=VALUE" entries and
  // the secret values their logs must mask.
  struct StepConfig {
    std::vector<std::string> env;
    std::vector<std::string> secrets;
  };
  using StepConfigSource = std::function<StepConfig(store::Id project_id)>;
  void set_step_config(StepConfigSource source) { step_config_ = std::move(source); }

  // Where commit statuses of runs go (`status:` in slipway.yml): pending when a run starts, its
  // result when it ends. Set before recover(); none: no statuses.
  void set_outbox(Outbox* outbox) { outbox_ = outbox; }

  RunEvents& events() { return events_; }
  // Bytes in a step's log: live for running steps, from the file otherwise.
  std::uint64_t log_size(store::Id run_id, int position) const;
  std::size_t running_steps() const { return running_steps_; }
  // Whether the step called STEP of run RUN_ID is running now.
  bool step_running(store::Id run_id, const std::string& step) const;

 private:
  struct ActiveRun;

  void schedule_pump();
  void pump();
  void dispatch();
  void activate(store::Run run);
  void prepare(ActiveRun& active);
  void fetch_then_prepare(ActiveRun& active);
  void start_steps(ActiveRun& active);
  void start_step(ActiveRun& active, std::size_t position);
  void on_step_exit(store::Id run_id, std::size_t position, const exec::StepOutcome& outcome);
  void skip_dependents(ActiveRun& active, std::size_t position);
  void finish_if_done(ActiveRun& active);
  void finish_run(ActiveRun& active, store::RunStatus status, const std::string& reason);
  void set_step(ActiveRun& active, std::size_t position, store::StepStatus status, const std::string& reason,
                int exit_code = -1);
  void append_setup_log(ActiveRun& active, const std::string& text);
  // The argv of a step with `image:` (a `slipway container-step`), given its environment.
  std::vector<std::string> container_step_argv(const ActiveRun& active, std::size_t position,
                                               const std::vector<std::string>& env) const;
  std::vector<std::string> step_env(const ActiveRun& active, const pipeline::Step& step) const;
  void check_shutdown_done();

  boost::asio::io_context& io_;
  store::Store& store_;
  scm::RepositoryCache& repositories_;
  store::HomeLayout layout_;
  SchedulerSettings settings_;
  RunEvents events_;
  RunSucceeded run_succeeded_;
  Outbox* outbox_ = nullptr;
  StepConfigSource step_config_;
  std::unique_ptr<exec::ContainerJanitor> janitor_;  // removes the containers of runs that used them
  std::map<store::Id, std::unique_ptr<ActiveRun>> active_;  // ordered by id: older runs first
  std::size_t running_steps_ = 0;  // steps (and setup fetches) holding an executor slot
  bool pump_scheduled_ = false;
  bool started_ = false;
  bool shutting_down_ = false;
  std::function<void()> shutdown_done_;
  boost::asio::steady_timer shutdown_timer_;
};

}  // namespace slipway::scheduler
