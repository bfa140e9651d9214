#include "deploy/release_plan.h"

#include <fstream>
#include <sstream>

namespace slipway::deploy {

util::Expected<ReleasePlan> read_release_plan(const std::string& release_dir) {
  std::ifstream in(release_dir + "/slipway.yml");
  if (!in) return util::unexpected("the release has no slipway.yml");
  std::stringstream text;
  text << in.rdbuf();
  auto pipeline = pipeline::parse_pipeline(text.str());
  if (!pipeline) return util::unexpected(pipeline.error());
  auto app = pipeline::detect_app(release_dir, pipeline->build);
  if (!app) return util::unexpected(app.error());
  return ReleasePlan{std::move(*pipeline), std::move(*app)};
}

const pipeline::Environment* find_environment(const ReleasePlan& plan, const std::string& name) {
  for (const auto& environment : plan.pipeline.environments) {
    if (environment.name == name) return &environment;
  }
  return nullptr;
}

}  // namespace slipway::deploy
