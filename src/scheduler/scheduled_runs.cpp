#include "scheduler/scheduled_runs.h"

#include <spdlog/spdlog.h>

#include <set>

#include "scheduler/run_preparation.h"
#include "scheduler/schedule_tracker.h"
#include "util/clock.h"

namespace slipway::scheduler {

ScheduledRuns::ScheduledRuns(boost::asio::io_context& io, store::Store& store, Scheduler& scheduler,
                             scm::RepositoryCache& repositories, const store::HomeLayout& layout,
                             std::chrono::milliseconds tick)
    : io_(io),
      store_(store),
      scheduler_(scheduler),
      repositories_(repositories),
      layout_(layout),
      tick_(tick),
      timer_(io) {}

void ScheduledRuns::start() {
  stopped_ = false;
  tick();
}

void ScheduledRuns::stop() {
  stopped_ = true;
  timer_.cancel();
}

void ScheduledRuns::schedule_tick() {
  timer_.expires_after(tick_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) tick();
  });
}

void ScheduledRuns::tick() {
  std::set<store::Id> seen;
  try {
    for (const auto& project : store_.list_projects()) {
      seen.insert(project.id);
      try {
        check_project(project, util::now_ms());
      } catch (const std::exception& e) {
        spdlog::error("schedules of {}: {}", project.name, e.what());
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("schedules: {}", e.what());
  }
  std::erase_if(files_, [&](const auto& entry) { return seen.count(entry.first) == 0; });
  schedule_tick();
}

void ScheduledRuns::check_project(const store::Project& project, store::TimeMs now) {
  const std::vector<pipeline::Schedule>* schedules = nullptr;
  static const std::vector<pipeline::Schedule> none;
  auto repo = repositories_.bare(layout_.repo(project.name));
  if (repo) {
    auto heads = (*repo)->branch_heads();
    auto head = heads.find("refs/heads/" + project.default_branch);
    // A repository without the default branch (nothing pushed or fetched yet) has no schedules.
    schedules = head == heads.end() ? &none : &schedules_of(project, head->second);
  } else {
    schedules = &none;
  }
  auto marks = store_.schedule_marks(project.id);
  if (schedules->empty() && marks.empty()) return;
  auto check = check_schedules(*schedules, marks, now);
  if (!check.changed) return;
  // The runs and the marks that say they were started are written together: a restart
  // neither fires them again nor loses them.
  store_.transaction([&] {
    for (const auto* schedule : check.due) fire(project, *schedule);
    store_.save_schedule_marks(project.id, check.marks);
  });
}

const std::vector<pipeline::Schedule>& ScheduledRuns::schedules_of(const store::Project& project,
                                                                   const std::string& commit) {
  auto& file = files_[project.id];
  if (file.commit == commit) return file.schedules;
  file.commit = commit;
  file.schedules.clear();
  auto repo = repositories_.bare(layout_.repo(project.name));
  if (!repo) return file.schedules;
  auto text = (*repo)->read_file(commit, kPipelineFileName);
  if (!text) return file.schedules;
  auto parsed = pipeline::parse_pipeline(*text);
  if (!parsed) {
    // Reported once per commit; the commit's runs show the same errors in their setup log.
    spdlog::warn("schedules of {}: {} at {} is invalid; no schedules until it is fixed", project.name,
                 kPipelineFileName, commit.substr(0, 7));
    return file.schedules;
  }
  file.schedules = std::move(parsed->schedules);
  if (!file.schedules.empty()) {
    spdlog::info("schedules of {}: {} from {}", project.name, file.schedules.size(), commit.substr(0, 7));
  }
  return file.schedules;
}

void ScheduledRuns::fire(const store::Project& project, const pipeline::Schedule& schedule) {
  TriggerRequest trigger;
  trigger.trigger = "schedule";
  trigger.branch = schedule.branch.empty() ? project.default_branch : schedule.branch;
  if (project.source_url.empty()) {
    auto repo = repositories_.bare(layout_.repo(project.name));
    auto commit = repo ? (*repo)->resolve("refs/heads/" + trigger.branch) : std::nullopt;
    if (!commit) {
      spdlog::warn("schedule '{}' of {}: no branch '{}'; no run", schedule.cron, project.name,
                   trigger.branch);
      return;
    }
    trigger.commit = commit->id;
    trigger.message = commit->summary;
  }
  // A remote project's run is queued by branch: its setup fetches, then resolves the head.
  scheduler_.enqueue(project, trigger);
}

}  // namespace slipway::scheduler
