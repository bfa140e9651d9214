#include "pipeline/trigger_validation.h"

#include "pipeline/quoted.h"

namespace slipway::pipeline::validation {

namespace {

// A file asking for more than this has made a mistake (each entry is a timer in the daemon).
constexpr std::size_t kMaxSchedules = 20;

std::optional<Schedule> validate_schedule(ValidationContext& context, const YAML::Node& item) {
  context.visit(item);
  if (!item.IsMap()) {
    context.error(item.Mark(),
                  "expected a mapping with 'cron' in 'schedule', got " + std::string(describe(item)));
    return std::nullopt;
  }
  Schedule schedule;
  schedule.line = item.Mark().line + 1;
  bool has_cron = false;
  bool valid = true;
  for (const auto& key : entries(context, item)) {
    if (key.key == "cron") {
      has_cron = true;
      auto text = string_value(context, key);
      if (!text) {
        valid = false;
        continue;
      }
      auto cron = CronExpression::parse(*text);
      if (!cron) {
        context.error(key.value_mark(), "invalid cron expression " + quoted(*text) + ": " + cron.error());
        valid = false;
        continue;
      }
      schedule.cron = std::move(*text);
      schedule.expression = std::move(*cron);
    } else if (key.key == "branch") {
      auto branch = string_value(context, key);
      if (branch && (branch->empty() || has_space_or_control(*branch) || branch->front() == '-')) {
        context.error(key.value_mark(),
                      "invalid 'branch' " + quoted(*branch) + ": no spaces, and it may not start with '-'");
        valid = false;
      } else if (branch) {
        schedule.branch = std::move(*branch);
      } else {
        valid = false;
      }
    } else {
      unknown_key(context, key, "in a schedule", {"cron", "branch"});
    }
  }
  if (!has_cron) {
    context.error(item.Mark(),
                  "a schedule needs 'cron', e.g. cron: \"0 3 * * *\" (minute hour day month weekday, UTC)");
    return std::nullopt;
  }
  if (!valid) return std::nullopt;
  return schedule;
}

}  // namespace

std::vector<Schedule> validate_triggers(ValidationContext& context, const Entry& on_entry) {
  std::vector<Schedule> schedules;
  if (!expect_mapping(context, on_entry)) return schedules;
  for (const auto& key : entries(context, on_entry.value)) {
    if (key.key != "schedule") {
      unknown_key(context, key, "in 'on'", {"schedule"},
                  " (pushes, webhooks and polling start runs without being listed here)");
      continue;
    }
    if (!key.value.IsSequence()) {
      context.error(key.value_mark(), "expected a sequence for 'schedule', got " +
                                          std::string(describe(key.value)) +
                                          " (write: schedule: [{cron: \"0 3 * * *\"}])");
      continue;
    }
    if (key.value.size() > kMaxSchedules) {
      context.error(key.value_mark(), "at most " + std::to_string(kMaxSchedules) + " schedules, got " +
                                          std::to_string(key.value.size()));
      continue;
    }
    for (const auto& item : key.value) {
      if (auto schedule = validate_schedule(context, item)) schedules.push_back(std::move(*schedule));
    }
  }
  return schedules;
}

}  // namespace slipway::pipeline::validation
