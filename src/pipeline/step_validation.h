// Internal to src/pipeline: validation of `steps:`, and of the `when:` and `env:` mappings that
// steps share with the rest of the file.
#pragma once

#include <optional>
#include <vector>

#include "pipeline/pipeline_file.h"
#include "pipeline/validation_context.h"

namespace slipway::pipeline::validation {

// Where a step and its `needs` were written, for the dependency checks that follow.
struct StepOrigin {
  YAML::Mark mark;
  bool explicit_needs = false;         // false: the step needs the one before it
  std::vector<YAML::Mark> need_marks;  // parallel to Step::needs
};

struct ValidatedSteps {
  std::vector<Step> steps;
  std::vector<StepOrigin> origins;  // parallel to steps
};

// The steps of the `steps:` entry, in file order, with `needs` as written (not yet resolved).
ValidatedSteps validate_steps(ValidationContext& context, const Entry& steps_entry);

// A `when:` mapping: only `branch`, a pattern or a list of them.
std::optional<BranchFilter> branch_filter(ValidationContext& context, const Entry& when_entry);

// An `env:` mapping of variable names to scalar values.
std::optional<std::vector<EnvVar>> env_vars(ValidationContext& context, const Entry& env_entry);

}  // namespace slipway::pipeline::validation
