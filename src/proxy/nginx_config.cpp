#include "proxy/nginx_config.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "proxy/domain_name.h"
#include "proxy/listen_address.h"
#include "util/error.h"

namespace slipway::proxy {

namespace {

constexpr const char* system_mime_types = "/etc/nginx/mime.types";
constexpr int upstream_keepalive = 16;

// Used when the system has no mime.types: enough for the sites apps serve.
constexpr const char* inline_types = R"(    types {
        text/html html htm;
        text/css css;
        text/plain txt;
        application/javascript js mjs;
        application/json json map;
        application/wasm wasm;
        application/xml xml;
        image/svg+xml svg;
        image/png png;
        image/jpeg jpg jpeg;
        image/gif gif;
        image/webp webp;
        image/x-icon ico;
        font/woff woff;
        font/woff2 woff2;
    }
)";

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

// App and environment names: the same characters project names allow.
void check_name(const std::string& value, const char* what) {
  bool ok = !value.empty();
  for (char c : value) ok = ok && is_name_char(c);
  if (!ok) {
    throw util::Error(
        fmt::format("cannot configure the proxy: {} '{}' must be made of letters, digits, '-', '_' and '.'",
                    what, printable(value)));
  }
}

std::string identifier_part(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) c = '_';
  }
  return out;
}

// Unique even when two names differ only in characters that become '_'.
std::string upstream_name(const Site& site, std::size_t index) {
  return fmt::format("site{}_{}_{}", index + 1, identifier_part(site.app), identifier_part(site.environment));
}

std::string site_label(const Site& site) { return site.app + "/" + site.environment; }

void append_globals(std::string& out, const NginxLayout& layout, const RenderEnvironment& environment) {
  out += "# Slipway's own nginx. Generated: every change here is overwritten at the next deployment.\n";
  if (environment.running_as_root) {
    // Without `user`, a root master runs its workers as nobody, who cannot
    // read the home directory (mode 0700, owned by the daemon's user).
    out += "user root root;\n";
  }
  out += "worker_processes 1;\n";
  out += "worker_shutdown_timeout 30s;\n";
  out += fmt::format("pid {};\n", nginx_quoted(layout.pid_file(), "pid file"));
  out += fmt::format("error_log {} warn;\n\n", nginx_quoted(layout.error_log(), "error log"));
  out += "events {\n    worker_connections 1024;\n}\n\n";
}

void append_http_settings(std::string& out, const NginxLayout& layout, const RenderEnvironment& environment) {
  if (environment.mime_types_file.empty()) {
    out += inline_types;
  } else {
    out += fmt::format("    include {};\n", nginx_quoted(environment.mime_types_file, "mime types file"));
  }
  out += "    default_type application/octet-stream;\n";
  out += fmt::format("    access_log {};\n", nginx_quoted(layout.access_log(), "access log"));
  out += "    server_tokens off;\n";
  out += "    sendfile on;\n";
  // Long custom domains (up to 253 characters) must fit a bucket.
  out += "    server_names_hash_bucket_size 512;\n";
  out += "    server_names_hash_max_size 4096;\n";
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    out += fmt::format("    {}_temp_path {};\n", kind,
                       nginx_quoted(layout.temp_dir() + "/" + kind, "temp path"));
  }
  // WebSocket upgrades pass through; other requests send an empty Connection
  // header, which keeps upstream connections alive.
  out +=
      "    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        \"\" \"\";\n    }\n\n";
}

void append_upstream(std::string& out, const Site& site, const std::string& name) {
  in_addr parsed{};
  if (::inet_pton(AF_INET, site.upstream_host.c_str(), &parsed) != 1) {
    throw util::Error(fmt::format("cannot configure the proxy: {} has an upstream address that is not IPv4",
                                  site_label(site)));
  }
  out += fmt::format("    upstream {} {{\n", name);
  for (int port : site.upstream_ports) {
    if (port <= 0 || port > 65535) {
      throw util::Error(
          fmt::format("cannot configure the proxy: {} has an invalid port {}", site_label(site), port));
    }
    out += fmt::format("        server {}:{} max_fails=0;\n", site.upstream_host, port);
  }
  out += fmt::format("        keepalive {};\n    }}\n\n", upstream_keepalive);
}

void append_default_server(std::string& out, const std::string& listen) {
  out += "    server {\n";
  out += fmt::format("        listen {} default_server;\n", listen);
  out += "        server_name _;\n";
  out += "        types { }\n        default_type text/plain;\n";
  out += "        return 404 \"no app is served at this host\\n\";\n";
  out += "    }\n\n";
}

void append_site_server(std::string& out, const Site& site, const std::vector<std::string>& names,
                        const std::string& listen, const std::string& upstream) {
  out += fmt::format("    # {}\n    server {{\n", site_label(site));
  out += fmt::format("        listen {}{};\n", listen, site.any_host ? " default_server" : "");
  out += "        server_name";
  for (const auto& name : names) out += " " + name;
  if (site.any_host) out += " _";
  out += ";\n";
  if (!site.static_root.empty()) {
    out += fmt::format("        root {};\n",
                       nginx_quoted(site.static_root, "static root of " + site_label(site)));
    out += "        index index.html;\n";
    // Only the site's own files: no dotfiles (.env, .git), no symlink out of the release.
    out += "        disable_symlinks on from=$document_root;\n";
    out += "        location ~ /\\. {\n            return 404;\n        }\n";
    out += "        location / {\n            try_files $uri $uri/ /index.html;\n        }\n";
  } else if (site.upstream_ports.empty()) {
    out += "        location / {\n";
    out += "            types { }\n            default_type text/plain;\n";
    out += "            return 503 \"app is not running\\n\";\n        }\n";
  } else {
    out += "        location / {\n";
    out += fmt::format("            proxy_pass http://{};\n", upstream);
    out += "            proxy_http_version 1.1;\n";
    out += "            proxy_set_header Upgrade $http_upgrade;\n";
    out += "            proxy_set_header Connection $connection_upgrade;\n";
    // $http_host keeps the port the client used (apps build redirects from it).
    out += "            proxy_set_header Host $http_host;\n";
    out += "            proxy_set_header X-Forwarded-Host $host;\n";
    out += "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n";
    out += "            proxy_set_header X-Forwarded-Proto $scheme;\n";
    out += "            proxy_set_header X-Real-IP $remote_addr;\n";
    out += "            proxy_next_upstream error timeout http_502;\n";
    out += "            proxy_read_timeout 60s;\n";
    out += "        }\n";
  }
  out += "    }\n\n";
}

// The validated server names of SITE; throws on a bad or already used one.
std::vector<std::string> server_names_of(const Site& site, std::map<std::string, std::string>& used) {
  if (site.server_names.empty() && !site.any_host) {
    throw util::Error(fmt::format("cannot configure the proxy: {} has no host name", site_label(site)));
  }
  std::vector<std::string> names;
  for (const auto& raw : site.server_names) {
    auto name = validate_domain(raw);
    if (!name)
      throw util::Error(fmt::format("cannot configure the proxy for {}: {}", site_label(site), name.error()));
    auto [it, inserted] = used.emplace(*name, site_label(site));
    if (!inserted) {
      if (it->second == site_label(site)) continue;  // listed twice for the same site
      throw util::Error(fmt::format("cannot configure the proxy: host '{}' is used by both {} and {}", *name,
                                    it->second, site_label(site)));
    }
    names.push_back(*name);
  }
  return names;
}

}  // namespace

std::string nginx_quoted(const std::string& value, const std::string& what) {
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || c == '$' || byte < 0x20 || byte == 0x7f) {
      throw util::Error(
          fmt::format("cannot configure the proxy: {} '{}' contains a character nginx cannot take "
                      "('\"', '\\', '$' or a control character)",
                      what, printable(value)));
    }
  }
  return "\"" + value + "\"";
}

RenderEnvironment current_render_environment() {
  RenderEnvironment environment;
  environment.running_as_root = ::geteuid() == 0;
  std::error_code ec;
  if (std::filesystem::exists(system_mime_types, ec)) environment.mime_types_file = system_mime_types;
  return environment;
}

std::string render_nginx_config(const ProxySettings& settings, const std::vector<Site>& sites) {
  return render_nginx_config(settings, sites, current_render_environment());
}

std::string render_nginx_config(const ProxySettings& settings, const std::vector<Site>& sites,
                                const RenderEnvironment& environment) {
  if (settings.prefix.empty() || settings.prefix.front() != '/') {
    throw util::Error(fmt::format("cannot configure the proxy: prefix '{}' is not an absolute path",
                                  printable(settings.prefix)));
  }
  auto listen_address = parse_listen_address(settings.listen);
  if (!listen_address) throw util::Error("cannot configure the proxy: " + listen_address.error());
  const std::string listen = listen_address->nginx_text();
  NginxLayout layout{settings.prefix};

  std::string out;
  append_globals(out, layout, environment);
  out += "http {\n";
  append_http_settings(out, layout, environment);

  std::map<std::string, std::string> used_names;
  std::string servers;
  const Site* any_host = nullptr;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const Site& site = sites[i];
    if (site.any_host) {
      if (any_host) {
        throw util::Error(fmt::format("cannot configure the proxy: both {} and {} want every host name",
                                      site_label(*any_host), site_label(site)));
      }
      any_host = &site;
    }
    check_name(site.app, "app name");
    check_name(site.environment, "environment name");
    if (!site.static_root.empty() && !site.upstream_ports.empty()) {
      throw util::Error(fmt::format("cannot configure the proxy: {} has both a static root and app instances",
                                    site_label(site)));
    }
    if (!site.static_root.empty() && site.static_root.front() != '/') {
      throw util::Error(
          fmt::format("cannot configure the proxy: static root '{}' of {} is not an absolute path",
                      printable(site.static_root), site_label(site)));
    }
    auto names = server_names_of(site, used_names);
    std::string upstream = upstream_name(site, i);
    if (site.static_root.empty() && !site.upstream_ports.empty()) append_upstream(out, site, upstream);
    append_site_server(servers, site, names, listen, upstream);
  }
  if (!any_host) append_default_server(out, listen);
  out += servers;
  out += "}\n";
  return out;
}

}  // namespace slipway::proxy
