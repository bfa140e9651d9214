// Tests of the rendered nginx.conf: global settings under the prefix, the
// upstream and server blocks per site, the 404 default and 503 for stopped
// apps, quoting of paths, and the refusal of values that could add directives.
#include "proxy/nginx_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "util/error.h"

namespace slipway::proxy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ProxySettings settings() {
  ProxySettings s;
  s.prefix = "/srv/slipway home/nginx";
  s.listen = "127.0.0.1:8080";
  return s;
}

RenderEnvironment plain_environment() { return RenderEnvironment{false, ""}; }

Site proxied_site() {
  Site site;
  site.app = "hello";
  site.environment = "production";
  site.server_names = {"hello.localhost", "Example.TEST"};
  site.upstream_ports = {41234, 41235};
  return site;
}

std::string render(const std::vector<Site>& sites, RenderEnvironment environment = plain_environment()) {
  return render_nginx_config(settings(), sites, environment);
}

std::string render_error(const std::vector<Site>& sites, ProxySettings s = settings()) {
  try {
    render_nginx_config(s, sites, plain_environment());
  } catch (const util::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "render accepted the sites";
  return "";
}

TEST(NginxConfigTest, GlobalSettingsLiveUnderThePrefix) {
  std::string config = render({});
  EXPECT_THAT(config, HasSubstr("pid \"/srv/slipway home/nginx/nginx.pid\";\n"));
  EXPECT_THAT(config, HasSubstr("error_log \"/srv/slipway home/nginx/logs/error.log\" warn;\n"));
  EXPECT_THAT(config, HasSubstr("access_log \"/srv/slipway home/nginx/logs/access.log\";\n"));
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    EXPECT_THAT(config,
                HasSubstr(std::string(kind) + "_temp_path \"/srv/slipway home/nginx/temp/" + kind + "\";"));
  }
  EXPECT_THAT(config, HasSubstr("worker_processes 1;\n"));
  EXPECT_THAT(config, HasSubstr("worker_shutdown_timeout 30s;\n"));
  EXPECT_THAT(config, HasSubstr("worker_connections 1024;"));
  EXPECT_THAT(config, HasSubstr("server_tokens off;"));
  EXPECT_THAT(config, Not(HasSubstr("user ")));
  EXPECT_THAT(config, HasSubstr("types {\n        text/html html htm;"));
}

TEST(NginxConfigTest, RootRunsWorkersAsRootAndSystemMimeTypesAreIncluded) {
  std::string config = render({}, RenderEnvironment{true, "/etc/nginx/mime.types"});
  EXPECT_THAT(config, HasSubstr("\nuser root root;\n"));
  EXPECT_THAT(config, HasSubstr("include \"/etc/nginx/mime.types\";"));
  EXPECT_THAT(config, Not(HasSubstr("text/html html htm;")));
}

TEST(NginxConfigTest, DefaultServerAnswers404) {
  std::string config = render({proxied_site()});
  EXPECT_THAT(config, HasSubstr("listen 127.0.0.1:8080 default_server;\n        server_name _;"));
  EXPECT_THAT(config, HasSubstr("return 404 \"no app is served at this host\\n\";"));
}

TEST(NginxConfigTest, ProxiedSiteHasAnUpstreamAndAServer) {
  std::string config = render({proxied_site()});
  EXPECT_THAT(config, HasSubstr("upstream site1_hello_production {\n"
                                "        server 127.0.0.1:41234 max_fails=0;\n"
                                "        server 127.0.0.1:41235 max_fails=0;\n"
                                "        keepalive 16;\n"
                                "    }\n"));
  EXPECT_THAT(config, HasSubstr("    # hello/production\n    server {\n        listen 127.0.0.1:8080;\n"
                                "        server_name hello.localhost example.test;\n"));
  EXPECT_THAT(config, HasSubstr("proxy_pass http://site1_hello_production;"));
  for (const char* line :
       {"proxy_http_version 1.1;", "proxy_set_header Connection $connection_upgrade;",
        "proxy_set_header Host $http_host;", "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_next_upstream error timeout http_502;", "proxy_read_timeout 60s;"}) {
    EXPECT_THAT(config, HasSubstr(line));
  }
}

TEST(NginxConfigTest, AContainerOnARemoteEngineIsProxiedAtThatAddress) {
  Site site = proxied_site();
  site.upstream_host = "10.200.1.2";
  site.upstream_ports = {32768};
  EXPECT_THAT(render({site}), HasSubstr("        server 10.200.1.2:32768 max_fails=0;\n"));
  for (const char* bad : {"app1.example.com", "10.0.0.1; include /etc/passwd", "::1", ""}) {
    site.upstream_host = bad;
    EXPECT_THAT(render_error({site}), HasSubstr("hello/production has an upstream address that is not IPv4")) << bad;
  }
}

TEST(NginxConfigTest, StoppedAppAnswers503) {
  Site site = proxied_site();
  site.upstream_ports.clear();
  std::string config = render({site});
  EXPECT_THAT(config, Not(HasSubstr("upstream ")));
  EXPECT_THAT(config, HasSubstr("return 503 \"app is not running\\n\";"));
}

TEST(NginxConfigTest, StaticSiteIsServedByNginxWithSpaFallback) {
  Site site;
  site.app = "docs";
  site.environment = "staging";
  site.server_names = {"docs.localhost"};
  site.static_root = "/srv/releases/docs/3-abc1234/dist with space";
  std::string config = render({site});
  EXPECT_THAT(config, HasSubstr("root \"/srv/releases/docs/3-abc1234/dist with space\";"));
  EXPECT_THAT(config, HasSubstr("try_files $uri $uri/ /index.html;"));
  EXPECT_THAT(config, Not(HasSubstr("proxy_pass")));
}

TEST(NginxConfigTest, UpstreamNamesAreSanitisedAndUnique) {
  Site a = proxied_site();
  a.app = "my-app";
  a.server_names = {"a.localhost"};
  Site b = proxied_site();
  b.app = "my_app";
  b.server_names = {"b.localhost"};
  std::string config = render({a, b});
  EXPECT_THAT(config, HasSubstr("upstream site1_my_app_production {"));
  EXPECT_THAT(config, HasSubstr("upstream site2_my_app_production {"));
}

TEST(NginxConfigTest, RefusesValuesThatCouldAddDirectives) {
  Site site = proxied_site();
  site.server_names = {"a.test;include /etc/passwd"};
  EXPECT_THAT(render_error({site}), HasSubstr("invalid domain 'a.test;include /etc/passwd'"));

  site = proxied_site();
  site.app = "hello;";
  EXPECT_THAT(render_error({site}), HasSubstr("app name 'hello;'"));

  site = proxied_site();
  site.environment = "prod\n}";
  EXPECT_THAT(render_error({site}), HasSubstr("environment name 'prod\\x0a}'"));

  for (const char* root : {"/srv/a\"b", "/srv/$uri", "/srv/a\\b", "/srv/a\nb"}) {
    site = proxied_site();
    site.upstream_ports.clear();
    site.static_root = root;
    EXPECT_THAT(render_error({site}), HasSubstr("contains a character nginx cannot take")) << root;
  }

  ProxySettings s = settings();
  s.prefix = "/srv/$x";
  EXPECT_THAT(render_error({}, s),
              HasSubstr("pid file '/srv/$x/nginx.pid' contains a character nginx cannot take"));
  s = settings();
  s.listen = "127.0.0.1:8080; include x";
  EXPECT_THAT(render_error({}, s), HasSubstr("invalid listen address"));
}

TEST(NginxConfigTest, RefusesInconsistentSites) {
  Site site = proxied_site();
  site.upstream_ports = {0};
  EXPECT_THAT(render_error({site}), HasSubstr("hello/production has an invalid port 0"));

  site = proxied_site();
  site.server_names.clear();
  EXPECT_THAT(render_error({site}), HasSubstr("hello/production has no host name"));

  site = proxied_site();
  site.static_root = "/srv/x";
  EXPECT_THAT(render_error({site}), HasSubstr("both a static root and app instances"));

  site = proxied_site();
  site.upstream_ports.clear();
  site.static_root = "relative/dir";
  EXPECT_THAT(render_error({site}), HasSubstr("is not an absolute path"));

  Site other = proxied_site();
  other.environment = "staging";
  other.server_names = {"EXAMPLE.test"};
  EXPECT_THAT(render_error({proxied_site(), other}),
              HasSubstr("host 'example.test' is used by both hello/production and hello/staging"));

  ProxySettings s = settings();
  s.prefix = "nginx";
  EXPECT_THAT(render_error({}, s), HasSubstr("is not an absolute path"));
}

TEST(NginxConfigTest, AnAnyHostSiteIsTheDefaultServer) {
  Site site = proxied_site();
  site.server_names.clear();
  site.any_host = true;
  auto config = render({site});
  EXPECT_THAT(config, HasSubstr("listen 127.0.0.1:8080 default_server;\n        server_name _;"));
  EXPECT_THAT(config, Not(HasSubstr("no app is served at this host")));
  EXPECT_THAT(config, HasSubstr("proxy_pass http://"));
  Site other = proxied_site();
  other.app = "other";
  other.any_host = true;
  EXPECT_THROW(render({site, other}), util::Error);
}

}  // namespace
}  // namespace slipway::proxy
