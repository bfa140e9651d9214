// Internal to src/pipeline: validation of `deploy:`, one entry per environment.
#pragma once

#include <vector>

#include "pipeline/pipeline_file.h"
#include "pipeline/validation_context.h"

namespace slipway::pipeline::validation {

// The environments of the `deploy:` entry in file order, with every key checked against its
// target and `after` checked to name another environment without forming a cycle.
std::vector<Environment> validate_environments(ValidationContext& context, const Entry& deploy_entry);

}  // namespace slipway::pipeline::validation
