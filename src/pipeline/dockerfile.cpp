#include "pipeline/dockerfile.h"

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace slipway::pipeline {

namespace {

// nginx in the foreground as the container's only process, serving /srv/www on PORT, with every
// path it writes under /tmp so that it also runs as a user other than root.
std::string nginx_config_lines(int port) {
  const std::vector<std::string> lines = {
      "worker_processes auto;",
      "pid /tmp/nginx.pid;",
      "error_log stderr;",
      "events { worker_connections 1024; }",
      "http {",
      "  include /etc/nginx/mime.types;",
      "  default_type application/octet-stream;",
      "  access_log /dev/stdout;",
      "  client_body_temp_path /tmp/nginx-client-body;",
      "  proxy_temp_path /tmp/nginx-proxy;",
      "  fastcgi_temp_path /tmp/nginx-fastcgi;",
      "  uwsgi_temp_path /tmp/nginx-uwsgi;",
      "  scgi_temp_path /tmp/nginx-scgi;",
      "  server_tokens off;",
      fmt::format("  server {{ listen {}; root /srv/www; disable_symlinks on;", port),
      // As on this machine: a path that is no file is the single-page app's index.
      "    location / { try_files $uri $uri/ /index.html; }",
      "    location ~ /\\. { return 404; }",
      "  }",
      "}",
  };
  std::string out = "RUN printf '%s\\n' \\\n";
  for (const auto& line : lines) out += "    '" + line + "' \\\n";
  out += "    > /etc/slipway-nginx.conf\n";
  return out;
}

std::string json_argv(const std::vector<std::string>& argv) { return nlohmann::json(argv).dump(); }

bool has_file(const std::string& dir, const char* name) {
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path(dir) / name, ec);
}

}  // namespace

std::string base_image(const BuildSettings& build, const std::string& kind) {
  for (const auto& image : build.base_images) {
    if (image.name == kind) return image.value;
  }
  if (kind == "python") return "python:3.11-slim";
  if (kind == "node") return "node:20-slim";
  return "nginx:1.25";
}

util::Expected<GeneratedDockerfile> generate_dockerfile(const std::string& dir, const AppPlan& plan,
                                                        const BuildSettings& build, int port) {
  GeneratedDockerfile out;
  if (!plan.static_root.empty()) {
    out.base_image = base_image(build, "static");
    const std::string root = plan.static_root == "." ? "." : plan.static_root;
    // The files last: a new page then rebuilds one layer, the rest comes from the build cache.
    out.text = fmt::format("FROM {}\n", out.base_image);
    out.text += nginx_config_lines(port);
    // The JSON form: build.output may hold spaces.
    out.text += fmt::format("EXPOSE {}\nCMD {}\nCOPY {}\n", port,
                            json_argv({"nginx", "-c", "/etc/slipway-nginx.conf", "-g", "daemon off;"}),
                            json_argv({root + "/", "/srv/www/"}));
    out.description = fmt::format("static files in {}/ served by nginx on {}", root, out.base_image);
    return out;
  }
  const ProcessCommand* web = nullptr;
  for (const auto& process : plan.processes) {
    if (process.name == "web") web = &process;
  }
  if (!web) return util::unexpected("the app has no web process, and a container needs one command to run");

  std::string kind;
  if (plan.type == AppType::python) {
    kind = "python";
  } else if (plan.type == AppType::node) {
    kind = "node";
  } else if (has_file(dir, "requirements.txt") || has_file(dir, "app.py") || has_file(dir, "wsgi.py")) {
    kind = "python";  // a Procfile app: its language by its files
  } else if (has_file(dir, "package.json")) {
    kind = "node";
  } else {
    return util::unexpected(
        "no Dockerfile, and the Procfile app is neither Python nor Node: add a Dockerfile to the repository");
  }
  out.base_image = base_image(build, kind);
  out.text = fmt::format("FROM {}\nWORKDIR /app\nCOPY . /app\n", out.base_image);
  if (kind == "python") {
    // Dependencies from requirements.txt when the image has pip; an image without pip brings its own.
    out.text +=
        "RUN if [ -f requirements.txt ] && command -v pip >/dev/null 2>&1; then "
        "pip install --no-cache-dir -r requirements.txt; fi\n"
        "ENV PYTHONUNBUFFERED=1\n";
  } else {
    out.text +=
        "RUN if [ -f package-lock.json ]; then npm ci --omit=dev; "
        "elif [ -f package.json ]; then npm install --omit=dev; fi\n"
        "ENV NODE_ENV=production\n";
  }
  out.text += fmt::format("ENV PORT={} HOST=0.0.0.0\nEXPOSE {}\nCMD {}\n", port, port,
                          // A detected command is one program: exec makes it the one that gets docker's SIGTERM.
                          json_argv({"/bin/sh", "-c", (plan.type == AppType::procfile ? "" : "exec ") + web->command}));
  out.description = fmt::format("{} on {}: {}", kind == "python" ? "Python" : "Node", out.base_image, web->command);
  return out;
}

std::vector<std::string> dockerfile_warnings(const std::string& text) {
  std::vector<std::string> warnings;
  std::string logical;  // one instruction, its continuation lines joined
  auto instruction = [&](const std::string& line) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos) return;
    const auto space = line.find_first_of(" \t", start);
    if (space == std::string::npos) return;
    std::string keyword = line.substr(start, space - start);
    for (auto& c : keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (keyword != "CMD" && keyword != "ENTRYPOINT") return;
    std::string argument = line.substr(line.find_first_not_of(" \t", space));
    if (!argument.empty() && argument.front() == '[') {
      // The exec form: a JSON array of words.
      auto words = nlohmann::json::parse(argument, nullptr, false);
      if (words.is_array()) {
        std::string joined;
        for (const auto& word : words) {
          if (word.is_string()) joined += (joined.empty() ? "" : " ") + word.get<std::string>();
        }
        argument = joined;
      }
    }
    for (const auto& problem : dev_server_problems(argument)) {
      warnings.push_back("the Dockerfile's " + keyword + ": " + problem);
    }
  };
  std::size_t begin = 0;
  while (begin <= text.size()) {
    auto end = text.find('\n', begin);
    std::string line = text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    begin = end == std::string::npos ? text.size() + 1 : end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line.back() == '\\') {
      logical += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    instruction(logical + line);
    logical.clear();
  }
  return warnings;
}

}  // namespace slipway::pipeline
