// Processes that leave their step's process group (setsid, a double fork, a
// daemonising server) would survive the group kill. The daemon is a child
// subreaper, so such a process becomes our child when its parent dies; the
// sweeper then kills it once its step is over (it still carries the
// SLIPWAY_RUN and SLIPWAY_STEP its step gave it) and reaps whatever exited.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace slipway::exec {

class OrphanSweeper {
 public:
  using StepIsRunning = std::function<bool(std::int64_t run_id, const std::string& step)>;

  // Makes this process adopt orphaned descendants (PR_SET_CHILD_SUBREAPER).
  static void become_subreaper();

  OrphanSweeper(boost::asio::io_context& io, StepIsRunning step_is_running);
  void start();  // sweeps on every SIGCHLD and every few seconds
  void stop();
  // One pass: reap exited adopted children, kill live ones whose step ended.
  // Returns how many were killed.
  int sweep();

 private:
  void wait_for_signal();
  void schedule_tick();

  boost::asio::signal_set child_signals_;
  boost::asio::steady_timer timer_;
  StepIsRunning step_is_running_;
  bool stopped_ = false;
};

}  // namespace slipway::exec
