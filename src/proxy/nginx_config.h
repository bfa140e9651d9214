// Renders the whole nginx.conf of Slipway's own nginx: one server block per
// site (an app environment) on the proxy's listen address, proxying to the
// app's instances on loopback or serving a static directory, and a default
// server that answers 404 for unknown hosts. Values that came from outside are
// checked again here and quoted, so a bad name can never add a directive.
#pragma once

#include <string>
#include <vector>

namespace slipway::proxy {

struct Site {
  std::string app, environment;
  std::vector<std::string> server_names;  // "hello.localhost", custom domains (already validated)
  std::vector<int> upstream_ports;        // app instances on upstream_host (proxied site)
  std::string upstream_host = "127.0.0.1";  // an IPv4 address: loopback, or a remote Docker engine's
  std::string static_root;                // non-empty: nginx serves this directory itself (SPA fallback)
  bool any_host = false;                  // the default server: every Host name (an app's own nginx on an ssh host)
};

struct ProxySettings {
  std::string prefix;                     // absolute: HOME/nginx
  std::string listen = "127.0.0.1:8080";  // see listen_address.h
  std::string nginx_binary = "nginx";     // a path, or a name looked up in PATH
};

// Where things live under the prefix; the configuration and NginxProxy agree on these.
struct NginxLayout {
  std::string prefix;

  std::string conf_dir() const { return prefix + "/conf"; }
  std::string config_file() const { return conf_dir() + "/nginx.conf"; }
  std::string pid_file() const { return prefix + "/nginx.pid"; }
  std::string logs_dir() const { return prefix + "/logs"; }
  std::string error_log() const { return logs_dir() + "/error.log"; }
  std::string access_log() const { return logs_dir() + "/access.log"; }
  std::string temp_dir() const { return prefix + "/temp"; }
};

// What render takes from the machine it runs on; a parameter so tests can fix it.
struct RenderEnvironment {
  bool running_as_root = false;
  std::string mime_types_file;  // empty: a small inline table of types
};
RenderEnvironment current_render_environment();

// Throws util::Error naming the offending site and value when a name, domain,
// port or path cannot be written into the configuration safely, when a site
// has no server name (and is not `any_host`), is both static and proxied,
// shares a server name with another site, or more than one site is `any_host`.
std::string render_nginx_config(const ProxySettings& settings, const std::vector<Site>& sites);
std::string render_nginx_config(const ProxySettings& settings, const std::vector<Site>& sites,
                                const RenderEnvironment& environment);

// VALUE as an nginx double-quoted string. Throws util::Error for '"', '\\',
// '$' (nginx would expand a variable) and control characters.
std::string nginx_quoted(const std::string& value, const std::string& what);

}  // namespace slipway::proxy
