// A Dockerfile for an app that has none, from what detection found: a
// Python WSGI app under gunicorn, a Node server under `npm start`, a static
// site (or a Node build's output) served by nginx. The base images are the
// project's choice (`build.base_images` in slipway.yml); the defaults are the
// usual official images.
#pragma once

#include <string>
#include <vector>

#include "pipeline/app_detection.h"
#include "pipeline/pipeline_file.h"
#include "util/expected.h"

namespace slipway::pipeline {

struct GeneratedDockerfile {
  std::string text;
  std::string base_image;
  std::string description;  // one line for the deployment log
};

// The base image for KIND ("python", "node", "static") from BUILD, else the default.
std::string base_image(const BuildSettings& build, const std::string& kind);

// PLAN is what detect_app() found in DIR (the build context); the app listens on PORT in the
// container. An error says why no Dockerfile can be written (nothing that serves HTTP).
util::Expected<GeneratedDockerfile> generate_dockerfile(const std::string& dir, const AppPlan& plan,
                                                        const BuildSettings& build, int port);

// Warnings for development servers started by the CMD or ENTRYPOINT of a repository's Dockerfile
// (TEXT), as dev_server_warnings() gives them for a Procfile.
std::vector<std::string> dockerfile_warnings(const std::string& text);

}  // namespace slipway::pipeline
