// Internal to src/pipeline: turns the `needs` of validated steps into a checked DAG.
#pragma once

#include <vector>

#include "pipeline/step_validation.h"

namespace slipway::pipeline::validation {

// Fills Step::need_indices (a step without `needs` needs the one before it) and reports names
// that are not steps, steps that need themselves, and dependency cycles.
void resolve_dependencies(ValidationContext& context, ValidatedSteps& validated);

}  // namespace slipway::pipeline::validation
