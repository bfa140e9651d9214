// The compose file Slipway applies for a release: the repository's file as
// `docker-compose config` resolved it (with ${SLIPWAY_IMAGE} and the other
// SLIPWAY_* variables set), where every service that is the app (its image is
// the release's image, or it has a `build:`) runs the release's image, gets
// the app's configuration from an env file (so no secret is in the compose
// file), and publishes the app's port on loopback for Slipway's nginx.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/expected.h"

namespace slipway::deploy {

struct ComposeSettings {
  std::string image;      // the release's image, e.g. 127.0.0.1:5000/shop:7
  int port = 0;           // the app's port in its container
  std::string env_file;   // the app's configuration, KEY=VALUE lines
  std::map<std::string, std::string> labels;
};

struct RenderedCompose {
  std::string text;
  std::vector<std::string> app_services;  // in file order; the first one is health-checked and served
};

// RESOLVED is `docker-compose config` output. An error says why no service is the app.
util::Expected<RenderedCompose> render_compose(const std::string& resolved, const ComposeSettings& settings);

// The compose file of a release: COMPOSE_FILE when set, else the first of docker-compose.yml,
// docker-compose.yaml, compose.yml, compose.yaml in DIR; "" when there is none.
std::string find_compose_file(const std::string& dir, const std::string& compose_file);

}  // namespace slipway::deploy
