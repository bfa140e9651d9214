// The pure half of cron schedules: given a project's schedules, when each last fired
// (its "mark") and the time now, which are due and what to remember. No clock, no store:
// the caller (scheduler/scheduled_runs.h) supplies both.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipeline/pipeline_file.h"
#include "store/records.h"

namespace slipway::scheduler {

// What a schedule is remembered by: its cron text and branch as written. Editing either
// makes it a new schedule.
std::string schedule_key(const pipeline::Schedule& schedule);

struct ScheduleCheck {
  std::vector<const pipeline::Schedule*> due;  // fire once each now
  std::map<std::string, store::TimeMs> marks;  // the marks to keep: one per current schedule
  bool changed = false;                        // MARKS differ from those given
};

// A schedule seen for the first time is marked NOW and does not fire (no run for a time
// before it existed). One whose next time after its mark has come fires once, however many
// times were missed (a daemon that was down runs a daily job once, not once per day), and
// is marked NOW. Marks of schedules no longer in the file are dropped.
ScheduleCheck check_schedules(const std::vector<pipeline::Schedule>& schedules,
                              const std::map<std::string, store::TimeMs>& marks, store::TimeMs now);

}  // namespace slipway::scheduler
