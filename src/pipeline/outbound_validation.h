// Internal to src/pipeline: validation of `status:` and `notify:`.
#pragma once

#include <optional>
#include <vector>

#include "pipeline/outbound_settings.h"
#include "pipeline/validation_context.h"

namespace slipway::pipeline::validation {

std::optional<CommitStatusSettings> validate_commit_status(ValidationContext& context,
                                                           const Entry& status_entry);
std::vector<Notification> validate_notifications(ValidationContext& context, const Entry& notify_entry);

}  // namespace slipway::pipeline::validation
