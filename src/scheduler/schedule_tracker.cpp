#include "scheduler/schedule_tracker.h"

namespace slipway::scheduler {

std::string schedule_key(const pipeline::Schedule& schedule) { return schedule.cron + "|" + schedule.branch; }

ScheduleCheck check_schedules(const std::vector<pipeline::Schedule>& schedules,
                              const std::map<std::string, store::TimeMs>& marks, store::TimeMs now) {
  ScheduleCheck check;
  for (const auto& schedule : schedules) {
    std::string key = schedule_key(schedule);
    if (check.marks.count(key) > 0) continue;  // the same schedule written twice fires once
    auto mark = marks.find(key);
    if (mark == marks.end()) {
      check.marks[key] = now;
      continue;
    }
    auto next = schedule.expression.next_after(mark->second / 1000);
    if (next && *next * 1000 <= now) {
      check.due.push_back(&schedule);
      check.marks[key] = now;
    } else {
      check.marks[key] = mark->second;
    }
  }
  check.changed = check.marks != marks;
  return check;
}

}  // namespace slipway::scheduler
