// Tests for the `deploy:` part of parse_pipeline(): keys per target, required keys, `after`.
#include <gtest/gtest.h>

#include <string>

#include "pipeline/pipeline_file.h"

namespace slipway::pipeline {
namespace {

using std::chrono::seconds;

// TEXT is the `deploy:` mapping; a minimal `steps:` is put before it, so it starts on line 2.
std::string errors(std::string_view deploy) {
  auto pipeline = parse_pipeline("steps: {a: {run: x}}\n" + std::string(deploy));
  return pipeline ? "(no error)" : pipeline.error();
}

std::vector<Environment> environments(std::string_view deploy) {
  auto pipeline = parse_pipeline("steps: {a: {run: x}}\n" + std::string(deploy));
  EXPECT_TRUE(pipeline) << pipeline.error();
  return pipeline ? pipeline->environments : std::vector<Environment>{};
}

TEST(Environments, Defaults) {
  auto parsed = environments("deploy:\n  staging: {}\n");
  ASSERT_EQ(parsed.size(), 1u);
  const Environment& staging = parsed[0];
  EXPECT_EQ(staging.name, "staging");
  EXPECT_EQ(staging.line, 3);
  EXPECT_EQ(staging.target, Target::local);
  EXPECT_EQ(staging.keep, 5);
  EXPECT_EQ(staging.drain, seconds(10));
  EXPECT_EQ(staging.batch, 1);
  EXPECT_EQ(staging.health.timeout, seconds(30));
  EXPECT_FALSE(staging.manual_approval);
}

TEST(Environments, EveryTargetWithAllItsKeys) {
  auto parsed = environments(R"(deploy:
  staging:
    branch: main
    health: {path: /healthz, timeout: 5s}
    drain: 0s
    keep: 3
  production:
    after: staging
    approval: manual
    target: ssh
    hosts: [deploy@web1:2222, web2, "deploy@[::1]:22"]
    release_host: web2
    path: /srv/app
    batch: 2
    restart: sudo systemctl restart app
    shared: [storage, .env]
    health: {url: "http://{host}:8000/healthz", command: "curl -f localhost"}
  containers:
    target: docker
    registry: localhost:5000
    port: 8000
    docker_host: ssh://deploy@docker1
  composed:
    target: compose
    compose_file: deploy/docker-compose.yml
    port: 8001
    docker_host: unix:///var/run/docker.sock
  cluster:
    target: kubernetes
    manifests: [k8s/deployment.yml, k8s/service.yml]
    namespace: myapp
    context: prod-cluster
    registry: registry.example.com
)");
  ASSERT_EQ(parsed.size(), 5u);
  EXPECT_EQ(parsed[0].branch, "main");
  EXPECT_EQ(parsed[0].health.path, "/healthz");
  EXPECT_EQ(parsed[0].health.timeout, seconds(5));
  EXPECT_EQ(parsed[0].drain, seconds(0));
  EXPECT_EQ(parsed[0].keep, 3);

  const Environment& production = parsed[1];
  EXPECT_EQ(production.target, Target::ssh);
  EXPECT_EQ(production.after, "staging");
  EXPECT_TRUE(production.manual_approval);
  EXPECT_EQ(production.hosts, (std::vector<std::string>{"deploy@web1:2222", "web2", "deploy@[::1]:22"}));
  EXPECT_EQ(production.release_host, "web2");
  EXPECT_EQ(production.path, "/srv/app");
  EXPECT_EQ(production.batch, 2);
  EXPECT_EQ(production.restart, "sudo systemctl restart app");
  EXPECT_EQ(production.shared, (std::vector<std::string>{"storage", ".env"}));
  EXPECT_EQ(production.health.url, "http://{host}:8000/healthz");
  EXPECT_EQ(production.health.command, "curl -f localhost");

  EXPECT_EQ(parsed[2].target, Target::docker);
  EXPECT_EQ(parsed[2].registry, "localhost:5000");
  EXPECT_EQ(parsed[2].port, 8000);
  EXPECT_EQ(parsed[2].docker_host, "ssh://deploy@docker1");
  EXPECT_EQ(parsed[2].docker_address.user, "deploy");
  EXPECT_EQ(parsed[2].docker_address.host, "docker1");
  EXPECT_EQ(parsed[3].docker_address.host, "");
  EXPECT_EQ(parsed[3].target, Target::compose);
  EXPECT_EQ(parsed[3].compose_file, "deploy/docker-compose.yml");
  EXPECT_EQ(parsed[4].target, Target::kubernetes);
  EXPECT_EQ(parsed[4].manifests, (std::vector<std::string>{"k8s/deployment.yml", "k8s/service.yml"}));
  EXPECT_EQ(parsed[4].namespace_name, "myapp");
  EXPECT_EQ(parsed[4].context, "prod-cluster");
}

TEST(Environments, Shape) {
  EXPECT_EQ(errors("deploy: [staging]\n"),
            "slipway.yml:2:9: expected a mapping for 'deploy', got a sequence");
  EXPECT_EQ(errors("deploy:\n  staging: local\n"),
            "slipway.yml:3:12: expected a mapping for environment 'staging', got a string");
  EXPECT_EQ(
      errors("deploy:\n  \"prod/eu\": {}\n"),
      "slipway.yml:3:3: invalid environment name 'prod/eu': use up to 64 letters, digits, '_', '.' and '-', "
      "starting with a letter or digit");
  EXPECT_EQ(
      errors("deploy:\n  staging: {hosts: [a], targt: ssh}\n"),
      "slipway.yml:3:13: 'hosts' is only valid with target ssh\n"
      "slipway.yml:3:25: unknown key 'targt' in environment 'staging' (did you mean 'target'?); valid keys: "
      "target, branch, after, approval, health, keep, drain, hosts, path, batch, restart, shared, "
      "release_host, proxy, "
      "registry, port, docker_host, compose_file, manifests, namespace, context");
}

TEST(Environments, Target) {
  EXPECT_EQ(
      errors("deploy:\n  staging: {target: heroku, hosts: [a]}\n"),
      "slipway.yml:3:21: unknown target 'heroku'; valid targets: local, ssh, docker, compose, kubernetes");
}

TEST(Environments, KeysOfOtherTargets) {
  EXPECT_EQ(errors("deploy:\n  staging: {path: /srv/app}\n"),
            "slipway.yml:3:13: 'path' is only valid with target ssh");
  EXPECT_EQ(errors("deploy:\n  web: {target: local, port: 80}\n"),
            "slipway.yml:3:24: 'port' is only valid with target ssh, docker or compose");
  EXPECT_EQ(errors("deploy:\n  web: {target: ssh, hosts: [a], path: /x, port: 80}\n"), "(no error)");
  EXPECT_EQ(errors("deploy:\n  web: {registry: r:5000}\n"),
            "slipway.yml:3:9: 'registry' is only valid with target docker, compose or kubernetes");
  EXPECT_EQ(errors("deploy:\n  web: {target: docker, port: 80, compose_file: c.yml, manifests: m.yml}\n"),
            "slipway.yml:3:35: 'compose_file' is only valid with target compose\n"
            "slipway.yml:3:56: 'manifests' is only valid with target kubernetes");
}

TEST(Environments, RequiredKeysPerTarget) {
  EXPECT_EQ(errors("deploy:\n  web: {target: ssh}\n"),
            "slipway.yml:3:3: environment 'web' has target ssh but no 'hosts'\n"
            "slipway.yml:3:3: environment 'web' has target ssh but no 'path'");
  EXPECT_EQ(errors("deploy:\n  web: {target: docker}\n"),
            "slipway.yml:3:3: environment 'web' has target docker but no 'port'");
  EXPECT_EQ(errors("deploy:\n  web: {target: kubernetes}\n"),
            "slipway.yml:3:3: environment 'web' has target kubernetes but no 'manifests'");
  EXPECT_EQ(errors("deploy:\n  web: {target: compose}\n"),
            "slipway.yml:3:3: environment 'web' has target compose but no 'port'");
  EXPECT_EQ(errors("deploy:\n  web: {target: compose, port: 8000}\n"), "(no error)");
}

TEST(Environments, After) {
  EXPECT_EQ(errors("deploy:\n  production: {after: stagin}\n"),
            "slipway.yml:3:23: 'after' names unknown environment 'stagin'");
  EXPECT_EQ(errors("deploy:\n  production: {after: production}\n"),
            "slipway.yml:3:23: environment 'production' cannot come after itself");
  EXPECT_EQ(errors(R"(deploy:
  a: {after: c}
  b: {after: a}
  c: {after: b}
  d: {after: a}
)"),
            "slipway.yml:3:14: cycle in 'after': a -> c -> b -> a");
}

TEST(Environments, Approval) {
  EXPECT_EQ(errors("deploy:\n  web: {approval: auto}\n"),
            "slipway.yml:3:19: 'approval' must be 'manual', got 'auto'");
}

TEST(Environments, Health) {
  EXPECT_EQ(errors("deploy:\n  web: {health: /healthz}\n"),
            "slipway.yml:3:17: expected a mapping for 'health', got a string");
  EXPECT_EQ(errors("deploy:\n  web: {health: {path: healthz}}\n"),
            "slipway.yml:3:24: health check 'path' must start with '/', got 'healthz'");
  EXPECT_EQ(errors("deploy:\n  web: {health: {url: \"ftp://x\"}}\n"),
            "slipway.yml:3:23: health check 'url' must start with http:// (https is not supported), got 'ftp://x'");
  EXPECT_EQ(errors("deploy:\n  web: {health: {timeout: 30}}\n"),
            "slipway.yml:3:27: 'timeout': duration '30' has no unit; add one: ms, s, m or h (e.g. 30s)");
  EXPECT_EQ(errors("deploy:\n  web: {health: {timeout: 0s}}\n"),
            "slipway.yml:3:27: 'timeout': duration '0s' must be greater than zero");
  EXPECT_EQ(errors("deploy:\n  web: {health: {status: 200}}\n"),
            "slipway.yml:3:18: unknown key 'status' in 'health'; valid keys: path, url, command, timeout");
}

TEST(Environments, Numbers) {
  EXPECT_EQ(errors("deploy:\n  web: {keep: 0}\n"),
            "slipway.yml:3:15: 'keep' must be between 1 and 1000, got '0'");
  EXPECT_EQ(errors("deploy:\n  web: {keep: many}\n"),
            "slipway.yml:3:15: expected a whole number for 'keep', got 'many'");
  EXPECT_EQ(errors("deploy:\n  web: {keep: 2.5}\n"),
            "slipway.yml:3:15: expected a whole number for 'keep', got '2.5'");
  EXPECT_EQ(errors("deploy:\n  web: {target: ssh, hosts: [a], path: /x, batch: -1}\n"),
            "slipway.yml:3:51: 'batch' must be between 1 and 1000, got '-1'");
  EXPECT_EQ(errors("deploy:\n  web: {target: docker, port: 70000}\n"),
            "slipway.yml:3:31: 'port' must be between 1 and 65535, got '70000'");
  EXPECT_EQ(errors("deploy:\n  web: {target: docker, port: 99999999999999999999999}\n"),
            "slipway.yml:3:31: expected a whole number for 'port', got '99999999999999999999999'");
}

TEST(Environments, Drain) {
  EXPECT_EQ(environments("deploy:\n  web: {drain: 1m30s}\n").at(0).drain, seconds(90));
  EXPECT_EQ(errors("deploy:\n  web: {drain: 10}\n"),
            "slipway.yml:3:16: 'drain': duration '10' has no unit; add one: ms, s, m or h (e.g. 10s)");
}

TEST(Environments, Hosts) {
  const std::string ssh = "deploy:\n  web: {target: ssh, path: /srv, hosts: ";
  EXPECT_EQ(errors(ssh + "web1}\n"), "slipway.yml:3:41: expected a sequence for 'hosts', got a string");
  EXPECT_EQ(errors(ssh + "[]}\n"), "slipway.yml:3:41: 'hosts' is empty");
  EXPECT_EQ(
      errors(ssh + "[\"-oProxyCommand=x\"]}\n"),
      "slipway.yml:3:42: invalid host '-oProxyCommand=x': may not start with '-' (expected user@host[:port] "
      "or host[:port])");
  EXPECT_EQ(errors(ssh + "[\"web 1\"]}\n"),
            "slipway.yml:3:42: invalid host 'web 1': contains a space or control character (expected "
            "user@host[:port] or host[:port])");
  EXPECT_EQ(
      errors(ssh + "[web1:0]}\n"),
      "slipway.yml:3:42: invalid host 'web1:0': has an invalid port: use a number from 1 to 65535 (expected "
      "user@host[:port] or host[:port])");
  EXPECT_EQ(errors(ssh + "[a, a]}\n"), "slipway.yml:3:45: duplicate host 'a'");
  EXPECT_EQ(errors(ssh + "[a, b], release_host: c}\n"),
            "slipway.yml:3:63: 'release_host' 'c' is not one of 'hosts'");
}

TEST(Environments, Paths) {
  const std::string ssh = "deploy:\n  web: {target: ssh, hosts: [a], ";
  EXPECT_EQ(errors(ssh + "path: srv/app}\n"),
            "slipway.yml:3:40: invalid 'path' 'srv/app': must be an absolute path");
  EXPECT_EQ(errors(ssh + "path: /srv/../etc}\n"),
            "slipway.yml:3:40: invalid 'path' '/srv/../etc': must not contain '..'");
  EXPECT_EQ(errors(ssh + "path: /srv, shared: [/etc]}\n"),
            "slipway.yml:3:55: invalid path '/etc' in 'shared': must be a relative path");
  EXPECT_EQ(errors(ssh + "path: /srv, shared: [a/../../b]}\n"),
            "slipway.yml:3:55: invalid path 'a/../../b' in 'shared': must not contain '..'");
  EXPECT_EQ(errors("deploy:\n  web: {target: compose, port: 80, compose_file: /c.yml}\n"),
            "slipway.yml:3:50: invalid 'compose_file' '/c.yml': must be a relative path");
  EXPECT_EQ(errors("deploy:\n  web: {target: kubernetes, manifests: [../m.yml]}\n"),
            "slipway.yml:3:41: invalid path '../m.yml' in 'manifests': must not contain '..'");
}

TEST(Environments, ContainerAddresses) {
  EXPECT_EQ(errors("deploy:\n  web: {target: docker, port: 80, registry: \"user@r:5000\"}\n"),
            "slipway.yml:3:45: invalid 'registry' 'user@r:5000': may not contain a user ('@') (expected "
            "HOST[:PORT])");
  EXPECT_EQ(errors("deploy:\n  web: {target: docker, port: 80, docker_host: \"http://d\"}\n"),
            "slipway.yml:3:48: invalid 'docker_host' 'http://d': expected unix://PATH, tcp://HOST:PORT or "
            "ssh://[USER@]HOST");
  EXPECT_EQ(errors("deploy:\n  web: {target: docker, port: 80, docker_host: \"tcp://\"}\n"),
            "slipway.yml:3:48: invalid 'docker_host' 'tcp://': expected unix://PATH, tcp://HOST:PORT or "
            "ssh://[USER@]HOST");
  EXPECT_NE(errors("deploy:\n  web: {target: docker, port: 80, docker_host: \"ssh://-oProxyCommand=x\"}\n")
                .find("invalid 'docker_host' 'ssh://-oProxyCommand=x': "),
            std::string::npos);
  EXPECT_NE(errors("deploy:\n  web: {target: docker, port: 80, docker_host: \"tcp://u@h:2375\"}\n")
                .find("invalid 'docker_host' 'tcp://u@h:2375': may not contain a user"),
            std::string::npos);
  EXPECT_EQ(
      errors("deploy:\n  web: {target: kubernetes, manifests: m.yml, namespace: My_App}\n"),
      "slipway.yml:3:58: invalid 'namespace' 'My_App': use lowercase letters, digits and '-' (at most 63)");
  EXPECT_EQ(errors("deploy:\n  web: {target: kubernetes, manifests: m.yml, context: \"--kubeconfig=x\"}\n"),
            "slipway.yml:3:56: invalid 'context' '--kubeconfig=x': no spaces, and it may not start with '-'");
}

TEST(Environments, Branch) {
  EXPECT_EQ(errors("deploy:\n  web: {branch: \"main; rm\"}\n"),
            "slipway.yml:3:17: invalid 'branch' 'main; rm': no spaces, and it may not start with '-'");
  EXPECT_EQ(errors("deploy:\n  web: {branch: [main]}\n"),
            "slipway.yml:3:17: expected a string for 'branch', got a sequence");
}

TEST(Environments, ProxyOfSshHosts) {
  EXPECT_EQ(errors("deploy:\n  web: {target: ssh, hosts: [a], path: /x, proxy: none}\n"), "(no error)");
  EXPECT_EQ(errors("deploy:\n  web: {target: ssh, hosts: [a], path: /x, proxy: haproxy}\n"),
            "slipway.yml:3:51: 'proxy' must be auto, nginx or none, got 'haproxy'");
  EXPECT_EQ(errors("deploy:\n  web: {proxy: nginx}\n"), "slipway.yml:3:9: 'proxy' is only valid with target ssh");
}

}  // namespace
}  // namespace slipway::pipeline
