// parse_pipeline(): loads slipway.yml, validates the top level and `build:`, and hands `steps:` and
// `deploy:` to their validators; also the small methods declared in pipeline_file.h.
#include "pipeline/pipeline_file.h"

#include "pipeline/environment_validation.h"
#include "pipeline/glob.h"
#include "pipeline/outbound_validation.h"
#include "pipeline/quoted.h"
#include "pipeline/step_dependencies.h"
#include "pipeline/step_validation.h"
#include "pipeline/trigger_validation.h"
#include "pipeline/validation_context.h"
#include "pipeline/yaml_loader.h"
#include "util/strings.h"

namespace slipway::pipeline {

namespace {

using namespace validation;

void build_settings(ValidationContext& context, const Entry& entry, BuildSettings& build) {
  if (!expect_mapping(context, entry)) return;
  for (const auto& key : entries(context, entry.value)) {
    if (key.key == "type") {
      // The names of pipeline::AppType (app_detection.h), procfile aside: a Procfile is found, not chosen.
      auto type = string_value(context, key);
      if (type && *type != "python" && *type != "node" && *type != "node-static" && *type != "static") {
        context.error(key.value_mark(), "unknown build type " + quoted(*type) +
                                            did_you_mean(*type, {"python", "node", "node-static", "static"}) +
                                            "; valid types: python, node, node-static, static");
      } else if (type) {
        build.type = std::move(*type);
      }
    } else if (key.key == "output") {
      auto output = string_value(context, key);
      auto problem = output ? relative_path_problem(*output) : std::nullopt;
      if (problem) {
        context.error(key.value_mark(), "invalid 'output' " + quoted(*output) + ": " + *problem);
      } else if (output) {
        build.output = std::move(*output);
      }
    } else if (key.key == "base_images") {
      if (!expect_mapping(context, key)) continue;
      for (const auto& image : entries(context, key.value)) {
        auto reference = string_value(context, image);
        if (reference && (has_space_or_control(*reference) || reference->front() == '-')) {
          context.error(image.value_mark(),
                        "invalid image " + quoted(*reference) + ": no spaces, and it may not start with '-'");
        } else if (reference) {
          build.base_images.push_back({image.key, std::move(*reference)});
        }
      }
    } else {
      unknown_key(context, key, "in 'build'", {"type", "output", "base_images"});
    }
  }
}

PipelineFile validate_pipeline(ValidationContext& context, const YAML::Node& root) {
  PipelineFile pipeline;
  if (!root.IsMap()) {
    if (root.IsNull()) {
      context.error(root.Mark(), "the file is empty; it needs at least 'steps'");
    } else {
      context.error(root.Mark(), "expected a mapping at the top level, got " + std::string(describe(root)));
    }
    return pipeline;
  }
  bool has_steps = false;
  for (const auto& entry : entries(context, root)) {
    if (entry.key == "steps") {
      has_steps = true;
      ValidatedSteps validated = validate_steps(context, entry);
      resolve_dependencies(context, validated);
      pipeline.steps = std::move(validated.steps);
    } else if (entry.key == "deploy") {
      pipeline.environments = validate_environments(context, entry);
    } else if (entry.key == "when") {
      if (auto filter = branch_filter(context, entry)) pipeline.when = std::move(*filter);
    } else if (entry.key == "build") {
      build_settings(context, entry, pipeline.build);
    } else if (entry.key == "on") {
      pipeline.schedules = validate_triggers(context, entry);
    } else if (entry.key == "status") {
      pipeline.status = validate_commit_status(context, entry);
    } else if (entry.key == "notify") {
      pipeline.notify = validate_notifications(context, entry);
    } else if (entry.key.rfind("x-", 0) == 0) {
      // Extension keys, as in docker-compose: a place to define anchors for use elsewhere.
    } else {
      unknown_key(context, entry, "", {"steps", "deploy", "when", "build", "on", "status", "notify"},
                  " (and any key starting with 'x-')");
    }
  }
  if (!has_steps) context.error(root.Mark(), "missing required key 'steps'");
  return pipeline;
}

}  // namespace

bool BranchFilter::matches(std::string_view branch) const {
  if (patterns.empty()) return true;
  for (const auto& pattern : patterns) {
    if (glob_match(pattern, branch)) return true;
  }
  return false;
}

std::string Step::script() const { return util::join(commands, "\n"); }

std::string_view target_name(Target target) {
  switch (target) {
    case Target::local:
      return "local";
    case Target::ssh:
      return "ssh";
    case Target::docker:
      return "docker";
    case Target::compose:
      return "compose";
    case Target::kubernetes:
      return "kubernetes";
  }
  return "unknown";
}

util::Expected<PipelineFile> parse_pipeline(std::string_view text, std::string_view file_name) {
  ValidationContext context(file_name);
  PipelineFile pipeline;
  try {
    auto root = load_yaml(context, text);
    if (root) pipeline = validate_pipeline(context, *root);
  } catch (const ExpansionLimitExceeded& exceeded) {
    context.error(exceeded.mark, "the file expands to too much data (aliases repeating large parts?)");
  }
  if (context.has_errors()) return util::unexpected(context.report());
  return pipeline;
}

}  // namespace slipway::pipeline
