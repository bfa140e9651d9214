// Internal to src/pipeline: validation of `on:`, the triggers a pipeline asks for
// besides pushes (today only `schedule:`, a list of cron entries).
#pragma once

#include <vector>

#include "pipeline/pipeline_file.h"
#include "pipeline/validation_context.h"

namespace slipway::pipeline::validation {

// The `on:` entry: `{schedule: [{cron: "0 3 * * *", branch: main}, ...]}`.
std::vector<Schedule> validate_triggers(ValidationContext& context, const Entry& on_entry);

}  // namespace slipway::pipeline::validation
