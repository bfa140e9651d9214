// Internal to src/pipeline: loads untrusted YAML text into a yaml-cpp node tree without letting the
// input crash or exhaust the process (size limit, nesting limit, one document only).
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string_view>

#include "pipeline/validation_context.h"

namespace slipway::pipeline::validation {

inline constexpr std::size_t max_file_size = std::size_t{1024} * 1024;
// slipway.yml needs six levels (root, steps, step, services, service, env); yaml-cpp recurses once
// per level, so far deeper input is refused before it can reach the stack's end.
inline constexpr int max_nesting = 64;

// The document in TEXT, or nullopt with the reasons reported to CONTEXT.
std::optional<YAML::Node> load_yaml(ValidationContext& context, std::string_view text);

}  // namespace slipway::pipeline::validation
