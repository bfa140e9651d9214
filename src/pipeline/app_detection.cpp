// detect_app(): the Procfile if there is one; else build.type, or the files of the release
// (Python: requirements.txt / app.py / wsgi.py; Node: package.json; static: index.html).
#include "pipeline/app_detection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "pipeline/procfile.h"
#include "pipeline/quoted.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::pipeline {

namespace {

// Larger than any real Procfile, package.json or WSGI module.
constexpr off_t max_file_size = off_t{1024} * 1024;

// The release is someone's repository: a file we read could be a symlink to anywhere (a FIFO,
// /dev/zero), so only regular files of a sane size are read. nullopt when NAME does not exist.
util::Expected<std::optional<std::string>> read_release_file(const std::string& dir,
                                                             const std::string& name) {
  std::string path = dir + "/" + name;
  util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>();
    if (errno == ELOOP)
      return util::unexpected(name + " is a symbolic link; Slipway reads only regular files");
    return util::unexpected("cannot open " + name + ": " + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    return util::unexpected("cannot stat " + name + ": " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return util::unexpected(name + " is not a regular file");
  if (info.st_size > max_file_size) return util::unexpected(name + " is larger than 1 MiB");
  std::string text(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return util::unexpected("cannot read " + name + ": " + std::strerror(errno));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  text.resize(done);
  return std::optional<std::string>(std::move(text));
}

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// "dist/" for the user; "." (the release itself) stays ".".
std::string shown_dir(const std::string& dir) { return dir == "." ? "the release's top folder" : dir + "/"; }

// --- Python ---

struct WsgiEntry {
  std::string file;
  std::string module;
  std::string callable;
};

// True if a top-level line of SOURCE assigns NAME or defines a function of that name.
bool defines_top_level(std::string_view source, std::string_view name) {
  for (const std::string& line : util::split(source, '\n')) {
    std::string_view text = line;
    if (text.starts_with("def ")) {
      text.remove_prefix(4);
      if (text.starts_with(name) && util::trim(text.substr(name.size())).starts_with('(')) return true;
      continue;
    }
    if (!text.starts_with(name)) continue;
    std::string_view rest = util::trim(text.substr(name.size()));
    if (rest.starts_with(':')) return true;  // an annotated assignment
    if (rest.starts_with('=') && !rest.starts_with("==")) return true;
  }
  return false;
}

util::Expected<std::optional<WsgiEntry>> find_wsgi_entry(const std::string& dir) {
  static const std::pair<const char*, const char*> candidates[] = {
      {"wsgi.py", "wsgi"}, {"app.py", "app"}, {"main.py", "main"}};
  for (const auto& [file, module] : candidates) {
    auto source = read_release_file(dir, file);
    if (!source) return util::unexpected(source.error());
    if (!*source) continue;
    std::string callable = defines_top_level(**source, "application") ? "application" : "app";
    return std::optional<WsgiEntry>(WsgiEntry{file, module, callable});
  }
  return std::optional<WsgiEntry>();
}

util::Expected<AppPlan> python_plan(const std::string& dir, std::string_view why) {
  auto entry = find_wsgi_entry(dir);
  if (!entry) return util::unexpected(entry.error());
  if (!*entry) {
    return util::unexpected(std::string(why) +
                            ", but there is no wsgi.py, app.py or main.py to serve: add a Procfile with a "
                            "`web:` command, e.g. `web: gunicorn --bind 127.0.0.1:$PORT myproject.wsgi`");
  }
  std::string target = (*entry)->module + ":" + (*entry)->callable;
  AppPlan plan;
  plan.type = AppType::python;
  plan.processes.push_back(
      {"web", "gunicorn --bind ${HOST:-127.0.0.1}:$PORT --workers 2 --access-logfile - " + target});
  plan.description = "Python WSGI app (" + (*entry)->file + ") -> gunicorn " + target;
  return plan;
}

// --- Node ---

struct PackageJson {
  std::string build_script;
  std::string start_script;
  std::string main;
  bool uses_vite = false;
  bool uses_react_scripts = false;
};

bool has_word(std::string_view script, std::string_view word) {
  for (const std::string& part : util::split(script, ' ')) {
    std::string_view text = part;
    if (text == word || text.ends_with("/" + std::string(word))) return true;
  }
  return false;
}

util::Expected<std::optional<PackageJson>> read_package_json(const std::string& dir) {
  auto text = read_release_file(dir, "package.json");
  if (!text) return util::unexpected(text.error());
  if (!*text) return std::optional<PackageJson>();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(**text);
  } catch (const nlohmann::json::parse_error& error) {
    // what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    std::string_view message = error.what();
    if (auto end = message.find("] "); end != std::string_view::npos) message.remove_prefix(end + 2);
    return util::unexpected("package.json is not valid JSON: " + std::string(message));
  }
  if (!json.is_object()) return util::unexpected("package.json does not hold a JSON object");
  auto string_at = [](const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  PackageJson package;
  if (auto scripts = json.find("scripts"); scripts != json.end() && scripts->is_object()) {
    package.build_script = string_at(*scripts, "build");
    package.start_script = string_at(*scripts, "start");
  }
  package.main = string_at(json, "main");
  auto depends_on = [&](const char* name) {
    for (const char* group : {"dependencies", "devDependencies"}) {
      auto found = json.find(group);
      if (found != json.end() && found->is_object() && found->contains(name)) return true;
    }
    return false;
  };
  package.uses_vite = has_word(package.build_script, "vite") || depends_on("vite");
  package.uses_react_scripts = has_word(package.build_script, "react-scripts") || depends_on("react-scripts");
  return std::optional<PackageJson>(std::move(package));
}

// package.json's main goes into a shell command: only plain relative paths are used.
bool is_plain_path(std::string_view path) {
  return !path.empty() && !path.starts_with('-') && !path.starts_with('/') &&
         path.find("..") == std::string_view::npos && std::all_of(path.begin(), path.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-' || c == '/';
         });
}

std::string install_command(const std::string& dir) {
  return exists(dir + "/package-lock.json") ? "npm ci" : "npm install";
}

// A build script whose output is a static site: the tools that make nothing but one.
bool builds_static_site(const PackageJson& package) {
  return !package.build_script.empty() && (package.uses_vite || package.uses_react_scripts);
}

bool can_start_server(const std::string& dir, const std::optional<PackageJson>& package) {
  return exists(dir + "/server.js") ||
         (package && (!package->start_script.empty() || is_plain_path(package->main)));
}

util::Expected<AppPlan> node_static_plan(const std::string& dir, const std::optional<PackageJson>& package,
                                         const BuildSettings& build) {
  std::string tool = package && package->uses_react_scripts ? "react-scripts"
                     : package && package->uses_vite        ? "vite"
                                                            : "";
  AppPlan plan;
  plan.type = AppType::node_static;
  plan.static_root = !build.output.empty() ? build.output : tool == "react-scripts" ? "build" : "dist";
  if (!is_directory(dir + "/" + plan.static_root)) {
    if (!package || package->build_script.empty()) {
      return util::unexpected("build.type is node-static, but " + plan.static_root +
                              "/ does not exist and package.json has no `build` script to make it");
    }
    plan.build_commands = {install_command(dir), "npm run build"};
  }
  plan.description = "Node.js build" + (tool.empty() ? std::string() : " (" + tool + ")") + " -> " +
                     plan.static_root + "/ served by nginx";
  return plan;
}

util::Expected<AppPlan> node_plan(const std::string& dir, const std::optional<PackageJson>& package) {
  AppPlan plan;
  plan.type = AppType::node;
  // NODE_ENV=production is not part of the command: the deployer adds it to every Node process's
  // environment (and leaves it out of build_commands, which need devDependencies).
  if (package && !package->start_script.empty()) {
    plan.processes.push_back({"web", "npm start"});
    plan.description = "Node.js app (package.json start script) -> npm start";
    plan.warnings = dev_server_warnings({{"web (npm start)", package->start_script}});
  } else if (exists(dir + "/server.js")) {
    plan.processes.push_back({"web", "node server.js"});
    plan.description = "Node.js app (server.js) -> node server.js";
  } else if (package && is_plain_path(package->main)) {
    plan.processes.push_back({"web", "node " + package->main});
    plan.description = "Node.js app (package.json main) -> node " + package->main;
  } else {
    return util::unexpected(
        "build.type is node, but package.json has no `start` script or `main`, and there is no server.js");
  }
  // Steps that did not even install the dependencies did not build either.
  if (package && !is_directory(dir + "/node_modules")) {
    plan.build_commands.push_back(install_command(dir));
    if (!package->build_script.empty()) plan.build_commands.push_back("npm run build");
  }
  return plan;
}

// --- static ---

util::Expected<AppPlan> static_plan(const std::string& dir, const BuildSettings& build) {
  AppPlan plan;
  plan.type = AppType::static_site;
  plan.static_root = build.output.empty() ? "." : build.output;
  if (!is_directory(dir + "/" + plan.static_root)) {
    return util::unexpected("build.output " + pipeline::quoted(build.output) +
                            " is not a directory in the release");
  }
  if (!exists(dir + "/" + plan.static_root + "/index.html")) {
    plan.warnings.push_back("there is no index.html in " + shown_dir(plan.static_root) +
                            ", so requests for / will fail");
  }
  plan.description = build.output.empty() ? "Static site (index.html) -> served by nginx"
                                          : "Static site (" + plan.static_root + "/) -> served by nginx";
  return plan;
}

// --- Procfile ---

AppPlan procfile_plan(std::vector<ProcessType> entries) {
  AppPlan plan;
  plan.type = AppType::procfile;
  std::stable_partition(entries.begin(), entries.end(),
                        [](const ProcessType& entry) { return entry.name == "web"; });
  std::vector<std::string> names;
  for (ProcessType& entry : entries) {
    if (entry.name == "release") {
      plan.release_command = std::move(entry.command);
    } else {
      names.push_back(entry.name);
      plan.processes.push_back({std::move(entry.name), std::move(entry.command)});
    }
  }
  plan.warnings = dev_server_warnings(plan.processes);
  plan.description = "Procfile: " + util::join(names, ", ");
  if (plan.release_command) plan.description += " (release command before each deployment)";
  return plan;
}

util::Expected<AppPlan> plan_for_type(const std::string& dir, const BuildSettings& build) {
  if (build.type == "python") return python_plan(dir, "build.type is python");
  if (build.type == "static") return static_plan(dir, build);
  auto package = read_package_json(dir);
  if (!package) return util::unexpected(package.error());
  if (build.type == "node") return node_plan(dir, *package);
  if (build.type == "node-static") return node_static_plan(dir, *package, build);
  return util::unexpected("unknown build.type " + pipeline::quoted(build.type) +
                          "; valid types: python, node, node-static, static");
}

}  // namespace

std::string_view app_type_name(AppType type) {
  switch (type) {
    case AppType::procfile:
      return "procfile";
    case AppType::python:
      return "python";
    case AppType::node_static:
      return "node-static";
    case AppType::static_site:
      return "static";
    case AppType::node:
      return "node";
    case AppType::dockerfile:
      return "dockerfile";
  }
  return "unknown";
}

std::optional<AppType> app_type_from_name(std::string_view name) {
  for (AppType type :
       {AppType::procfile, AppType::python, AppType::node_static, AppType::static_site, AppType::node}) {
    if (app_type_name(type) == name) return type;
  }
  return std::nullopt;
}

util::Expected<AppPlan> detect_app(const std::string& dir, const BuildSettings& build) {
  auto procfile = read_release_file(dir, "Procfile");
  if (!procfile) return util::unexpected(procfile.error());
  if (*procfile) {
    auto entries = parse_procfile(**procfile);
    if (!entries) return util::unexpected(entries.error());
    if (std::all_of(entries->begin(), entries->end(),
                    [](const ProcessType& e) { return e.name == "release"; })) {
      return util::unexpected("the Procfile has no process to run, only a `release:` command");
    }
    AppPlan plan = procfile_plan(std::move(*entries));
    if (!build.type.empty()) {
      plan.warnings.insert(plan.warnings.begin(), "build.type " + pipeline::quoted(build.type) +
                                                      " is ignored: the Procfile says how to run the app");
    }
    return plan;
  }
  if (!build.type.empty()) return plan_for_type(dir, build);

  if (exists(dir + "/requirements.txt") || exists(dir + "/app.py") || exists(dir + "/wsgi.py")) {
    return python_plan(dir, "this looks like a Python app (requirements.txt, app.py or wsgi.py)");
  }
  auto package = read_package_json(dir);
  if (!package) return util::unexpected(package.error());
  if (*package) {
    const PackageJson& json = **package;
    // A server app may have a build script too (TypeScript, Next.js): only an explicit output
    // directory or a tool that makes nothing but static files decides for node-static.
    if (!json.build_script.empty() && (!build.output.empty() || builds_static_site(json))) {
      return node_static_plan(dir, *package, build);
    }
    if (can_start_server(dir, *package)) return node_plan(dir, *package);
    if (!json.build_script.empty()) return node_static_plan(dir, *package, build);
  } else if (exists(dir + "/server.js")) {
    return node_plan(dir, *package);
  }
  if (exists(dir + "/index.html") || !build.output.empty()) return static_plan(dir, build);
  if (exists(dir + "/Dockerfile")) {
    AppPlan plan;
    plan.type = AppType::dockerfile;
    plan.description = "its Dockerfile (for target: docker or compose)";
    return plan;
  }
  return util::unexpected(
      "cannot tell how to run this app: add a Procfile, or set build.type in slipway.yml "
      "(python, node, node-static, static), or a Dockerfile for target: docker");
}

}  // namespace slipway::pipeline
