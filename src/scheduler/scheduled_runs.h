// Cron schedules (`on.schedule` in slipway.yml) on the event loop: every few seconds, for
// each project, the schedules of the slipway.yml at its default branch's head in the bare
// repository (parsed once per commit), checked by check_schedules() against the marks in
// the store; a due schedule queues a run with trigger "schedule" of its branch's head (a
// remote project's run fetches first, as a manual run does).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "pipeline/pipeline_file.h"
#include "scheduler/scheduler.h"
#include "scm/repository_cache.h"
#include "store/home_layout.h"
#include "store/store.h"

namespace slipway::scheduler {

class ScheduledRuns {
 public:
  ScheduledRuns(boost::asio::io_context& io, store::Store& store, Scheduler& scheduler,
                scm::RepositoryCache& repositories, const store::HomeLayout& layout,
                std::chrono::milliseconds tick = std::chrono::seconds(5));

  void start();
  void stop();

 private:
  struct ParsedFile {
    std::string commit;
    std::vector<pipeline::Schedule> schedules;
  };

  void schedule_tick();
  void tick();
  void check_project(const store::Project& project, store::TimeMs now);
  const std::vector<pipeline::Schedule>& schedules_of(const store::Project& project,
                                                      const std::string& commit);
  void fire(const store::Project& project, const pipeline::Schedule& schedule);

  boost::asio::io_context& io_;
  store::Store& store_;
  Scheduler& scheduler_;
  scm::RepositoryCache& repositories_;
  store::HomeLayout layout_;
  std::chrono::milliseconds tick_;
  boost::asio::steady_timer timer_;
  std::map<store::Id, ParsedFile> files_;  // by project: the default branch head last read
  bool stopped_ = false;
};

}  // namespace slipway::scheduler
