// What a release tree says about itself: its slipway.yml and how it runs
// (its Procfile, or the app type detected when it has none).
#pragma once

#include <string>

#include "pipeline/app_detection.h"
#include "pipeline/pipeline_file.h"
#include "util/expected.h"

namespace slipway::deploy {

struct ReleasePlan {
  pipeline::PipelineFile pipeline;
  pipeline::AppPlan app;
};

util::Expected<ReleasePlan> read_release_plan(const std::string& release_dir);
// The environment called NAME in PLAN's slipway.yml, or nullptr.
const pipeline::Environment* find_environment(const ReleasePlan& plan, const std::string& name);

}  // namespace slipway::deploy
