// What runs a release: its Procfile when it has one, else a plan detected from its files (a
// Python WSGI app, a Node server, a Node build served as static files, a static site), and
// warnings for commands that start development servers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/pipeline_file.h"
#include "util/expected.h"

namespace slipway::pipeline {

// dockerfile: nothing else found, but a Dockerfile; only the container targets can run it.
enum class AppType { procfile, python, node_static, static_site, node, dockerfile };
// "procfile", "python", "node-static", "static", "node" ("dockerfile"): the names of slipway.yml's build.type
// (procfile aside) and of the REST API.
std::string_view app_type_name(AppType type);
std::optional<AppType> app_type_from_name(std::string_view name);

struct ProcessCommand {
  std::string name;
  std::string command;  // run by /bin/sh -c with $PORT set
};

struct AppPlan {
  AppType type = AppType::procfile;
  std::vector<ProcessCommand> processes;       // `web` first; the release command is not one of them
  std::optional<std::string> release_command;  // Procfile `release:`
  std::string static_root;                     // static / node-static: the directory (relative to the
                                               // release) nginx serves; "." for the release itself
  std::vector<std::string> build_commands;     // node / node-static: what to run in the release first,
                                               // when node_modules or the build output is missing
  std::vector<std::string> warnings;           // for the deployment log (development servers, ...)
  std::string description;                     // one line for the user, e.g.
                                               // "Python WSGI app (app.py) -> gunicorn app:app"
};

// Looks at DIR (a release tree) and the `build:` settings of slipway.yml. An error says why no plan
// could be made (a broken Procfile or package.json, build.type naming files that are not there,
// nothing recognisable).
util::Expected<AppPlan> detect_app(const std::string& dir, const BuildSettings& build);

// What is wrong with COMMAND for production: one line per development server it starts, naming
// what to use instead.
std::vector<std::string> dev_server_problems(std::string_view command);
// One warning per development server started by one of PROCESSES, naming what to use instead.
std::vector<std::string> dev_server_warnings(const std::vector<ProcessCommand>& processes);

}  // namespace slipway::pipeline
