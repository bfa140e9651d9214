// Polling of remote projects that get no webhooks (`poll_seconds` > 0): every interval,
// `git ls-remote` of the source (an async child on the event loop, argv only) and a run
// with trigger "poll" for each branch or tag head that is new or moved since the last
// look. Nothing is fetched when nothing changed; a run's setup fetches its commit.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/step_execution.h"
#include "scheduler/scheduler.h"
#include "store/home_layout.h"
#include "store/store.h"

namespace slipway::scheduler {

// The shortest poll interval a project may ask for: 10 s, unless the daemon was started with
// the hidden, test-only `slipway serve --test-poll-minimum N` (1 <= N < 10), which calls the
// setter once before anything polls.
int poll_minimum_seconds();
void set_poll_minimum_seconds(int seconds);
// Why SECONDS is not an acceptable poll interval (0 turns polling off), or nothing.
std::optional<std::string> poll_interval_problem(long long seconds, int minimum_seconds);

struct PollSettings {
  std::vector<std::string> base_env;           // for git (PATH, HOME, ...)
  std::chrono::milliseconds kill_grace{5000};  // SIGTERM -> SIGKILL for a stuck ls-remote
};

class RemotePoller {
 public:
  RemotePoller(boost::asio::io_context& io, store::Store& store, Scheduler& scheduler,
               const store::HomeLayout& layout, PollSettings settings);
  ~RemotePoller();

  void start();
  // No new polls; those running are ended.
  void stop();

 private:
  struct ProjectPoll;

  void schedule_tick();
  void tick();
  void start_poll(const store::Project& project, ProjectPoll& poll);
  void finish_poll(store::Id project_id, const exec::StepOutcome& outcome);

  boost::asio::io_context& io_;
  store::Store& store_;
  Scheduler& scheduler_;
  store::HomeLayout layout_;
  PollSettings settings_;
  boost::asio::steady_timer timer_;
  std::map<store::Id, std::unique_ptr<ProjectPoll>> polls_;
  bool stopped_ = false;
};

}  // namespace slipway::scheduler
