// Validation of `deploy:` in slipway.yml: each environment's keys, which keys each target accepts
// and requires, and the `after` promotion chain.
#include "pipeline/environment_validation.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

#include "pipeline/host_address.h"
#include "pipeline/quoted.h"

namespace slipway::pipeline::validation {

namespace {

constexpr Target all_targets[] = {Target::local, Target::ssh, Target::docker, Target::compose,
                                  Target::kubernetes};

// Keys that only mean something for some targets; every other key is valid for all of them.
struct TargetKey {
  std::string_view key;
  std::initializer_list<Target> targets;
};
const TargetKey target_keys[] = {
    {"hosts", {Target::ssh}},
    {"path", {Target::ssh}},
    {"batch", {Target::ssh}},
    {"restart", {Target::ssh}},
    {"shared", {Target::ssh}},
    {"release_host", {Target::ssh}},
    {"proxy", {Target::ssh}},
    {"registry", {Target::docker, Target::compose, Target::kubernetes}},
    {"port", {Target::ssh, Target::docker, Target::compose}},
    {"docker_host", {Target::docker, Target::compose}},
    {"compose_file", {Target::compose}},
    {"manifests", {Target::kubernetes}},
    {"namespace", {Target::kubernetes}},
    {"context", {Target::kubernetes}},
};

// What each target cannot do without.
struct RequiredKey {
  Target target;
  std::string_view key;
};
constexpr RequiredKey required_keys[] = {{Target::ssh, "hosts"},
                                         {Target::ssh, "path"},
                                         {Target::docker, "port"},
                                         {Target::compose, "port"},
                                         {Target::kubernetes, "manifests"}};

const TargetKey* target_key(std::string_view key) {
  for (const auto& rule : target_keys) {
    if (rule.key == key) return &rule;
  }
  return nullptr;
}

std::string target_list(std::initializer_list<Target> targets) {
  std::string text;
  std::size_t i = 0;
  for (Target target : targets) {
    if (i > 0) text += i + 1 == targets.size() ? " or " : ", ";
    text += target_name(target);
    ++i;
  }
  return text;
}

// A string with no spaces or control characters that cannot be mistaken for a command-line option.
std::optional<std::string> word_value(ValidationContext& context, const Entry& entry) {
  auto text = string_value(context, entry);
  if (!text) return std::nullopt;
  if (has_space_or_control(*text) || text->front() == '-') {
    context.error(entry.value_mark(), "invalid " + quoted(entry.key) + " " + quoted(*text) +
                                          ": no spaces, and it may not start with '-'");
    return std::nullopt;
  }
  return text;
}

std::vector<std::string> relative_paths(ValidationContext& context, const Entry& entry) {
  std::vector<std::string> paths;
  auto items = string_items(context, entry);
  if (!items) return paths;
  for (auto& item : *items) {
    if (auto problem = relative_path_problem(item.text)) {
      context.error(item.mark,
                    "invalid path " + quoted(item.text) + " in " + quoted(entry.key) + ": " + *problem);
    } else {
      paths.push_back(std::move(item.text));
    }
  }
  return paths;
}

void health_check(ValidationContext& context, const Entry& entry, HealthCheck& health) {
  if (!expect_mapping(context, entry)) return;
  for (const auto& key : entries(context, entry.value)) {
    if (key.key == "path") {
      auto path = word_value(context, key);
      if (path && path->front() != '/') {
        context.error(key.value_mark(), "health check 'path' must start with '/', got " + quoted(*path));
      } else if (path) {
        health.path = std::move(*path);
      }
    } else if (key.key == "url") {
      auto url = word_value(context, key);
      // Plain http: the probe speaks no TLS (check the app behind the host's TLS terminator).
      if (url && url->rfind("http://", 0) != 0) {
        context.error(key.value_mark(), "health check 'url' must start with http:// (https is not supported), got " +
                                            quoted(*url));
      } else if (url) {
        health.url = std::move(*url);
      }
    } else if (key.key == "command") {
      if (auto command = string_value(context, key)) health.command = std::move(*command);
    } else if (key.key == "timeout") {
      if (auto timeout = duration_value(context, key)) health.timeout = *timeout;
    } else {
      unknown_key(context, key, "in 'health'", {"path", "url", "command", "timeout"});
    }
  }
}

void hosts(ValidationContext& context, const Entry& entry, Environment& environment) {
  auto items = string_items(context, entry, {.allow_single = false, .allow_empty = false});
  if (!items) return;
  for (auto& item : *items) {
    auto address = parse_host_address(item.text);
    if (!address) {
      context.error(item.mark, "invalid host " + quoted(item.text) + ": " + address.error() +
                                   " (expected user@host[:port] or host[:port])");
    } else if (std::find(environment.hosts.begin(), environment.hosts.end(), item.text) !=
               environment.hosts.end()) {
      context.error(item.mark, "duplicate host " + quoted(item.text));
    } else {
      environment.hosts.push_back(std::move(item.text));
    }
  }
}

void docker_host(ValidationContext& context, const Entry& entry, Environment& environment) {
  auto text = word_value(context, entry);
  if (!text) return;
  for (std::string_view scheme : {"unix://", "tcp://", "ssh://"}) {
    if (text->rfind(scheme, 0) != 0 || text->size() <= scheme.size()) continue;
    if (scheme != "unix://") {
      // The engine's host is where containers publish their port for Slipway's nginx.
      auto address = parse_host_address(std::string_view(*text).substr(scheme.size()),
                                        scheme == "ssh://" ? UserPart::allowed : UserPart::forbidden);
      if (!address) {
        context.error(entry.value_mark(), "invalid 'docker_host' " + quoted(*text) + ": " + address.error());
        return;
      }
      environment.docker_address = std::move(*address);
    }
    environment.docker_host = std::move(*text);
    return;
  }
  context.error(entry.value_mark(), "invalid 'docker_host' " + quoted(*text) +
                                        ": expected unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST");
}

bool is_dns_label(std::string_view name) {
  if (name.empty() || name.size() > 63 || name.front() == '-' || name.back() == '-') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// One key of an environment whose target allows it.
void environment_key(ValidationContext& context, const Entry& key, Environment& environment) {
  if (key.key == "branch") {
    if (auto branch = word_value(context, key)) environment.branch = std::move(*branch);
  } else if (key.key == "after") {
    if (auto after = string_value(context, key)) environment.after = std::move(*after);
  } else if (key.key == "approval") {
    auto approval = string_value(context, key);
    if (approval && *approval != "manual") {
      context.error(key.value_mark(), "'approval' must be 'manual', got " + quoted(*approval));
    }
    environment.manual_approval = approval && *approval == "manual";
  } else if (key.key == "health") {
    health_check(context, key, environment.health);
  } else if (key.key == "keep") {
    if (auto keep = int_value(context, key, 1, 1000)) environment.keep = *keep;
  } else if (key.key == "drain") {
    if (auto drain = duration_value(context, key, ZeroDuration::allowed)) environment.drain = *drain;
  } else if (key.key == "hosts") {
    hosts(context, key, environment);
  } else if (key.key == "path") {
    auto path = string_value(context, key);
    if (!path) return;
    if (auto problem = absolute_path_problem(*path)) {
      context.error(key.value_mark(), "invalid 'path' " + quoted(*path) + ": " + *problem);
    } else {
      environment.path = std::move(*path);
    }
  } else if (key.key == "batch") {
    if (auto batch = int_value(context, key, 1, 1000)) environment.batch = *batch;
  } else if (key.key == "restart") {
    if (auto restart = string_value(context, key)) environment.restart = std::move(*restart);
  } else if (key.key == "shared") {
    environment.shared = relative_paths(context, key);
  } else if (key.key == "proxy") {
    auto proxy = string_value(context, key);
    if (proxy && *proxy != "auto" && *proxy != "nginx" && *proxy != "none") {
      context.error(key.value_mark(), "'proxy' must be auto, nginx or none, got " + quoted(*proxy));
    } else if (proxy) {
      environment.proxy = std::move(*proxy);
    }
  } else if (key.key == "release_host") {
    if (auto host = word_value(context, key)) environment.release_host = std::move(*host);
  } else if (key.key == "registry") {
    auto registry = word_value(context, key);
    if (!registry) return;
    if (auto address = parse_host_address(*registry, UserPart::forbidden); !address) {
      context.error(key.value_mark(), "invalid 'registry' " + quoted(*registry) + ": " + address.error() +
                                          " (expected HOST[:PORT])");
    } else {
      environment.registry = std::move(*registry);
    }
  } else if (key.key == "port") {
    if (auto port = int_value(context, key, 1, 65535)) environment.port = *port;
  } else if (key.key == "docker_host") {
    docker_host(context, key, environment);
  } else if (key.key == "compose_file") {
    auto file = string_value(context, key);
    if (!file) return;
    if (auto problem = relative_path_problem(*file)) {
      context.error(key.value_mark(), "invalid 'compose_file' " + quoted(*file) + ": " + *problem);
    } else {
      environment.compose_file = std::move(*file);
    }
  } else if (key.key == "manifests") {
    environment.manifests = relative_paths(context, key);
  } else if (key.key == "namespace") {
    auto name = string_value(context, key);
    if (name && !is_dns_label(*name)) {
      context.error(key.value_mark(), "invalid 'namespace' " + quoted(*name) +
                                          ": use lowercase letters, digits and '-' (at most 63)");
    } else if (name) {
      environment.namespace_name = std::move(*name);
    }
  } else if (key.key == "context") {
    if (auto kube_context = word_value(context, key)) environment.context = std::move(*kube_context);
  } else {
    unknown_key(
        context, key, "in environment " + quoted(environment.name),
        {"target", "branch",      "after",        "approval",  "health",    "keep",         "drain",
         "hosts",  "path",        "batch",        "restart",   "shared",    "release_host", "proxy",    "registry",
         "port",   "docker_host", "compose_file", "manifests", "namespace", "context"});
  }
}

Environment validate_environment(ValidationContext& context, const Entry& entry, YAML::Mark& after_mark) {
  Environment environment;
  environment.name = entry.key;
  environment.line = entry.key_node.Mark().line + 1;
  if (!is_valid_name(environment.name)) {
    context.error(entry.key_node.Mark(),
                  "invalid environment name " + quoted(environment.name) + ": " + name_rule());
  }
  if (!entry.value.IsMap()) {
    context.error(entry.value_mark(), "expected a mapping for environment " + quoted(environment.name) +
                                          ", got " + std::string(describe(entry.value)));
    return environment;
  }
  auto keys = entries(context, entry.value);

  // The target decides which other keys are valid, and it may come after them in the file.
  bool target_known = true;
  for (const auto& key : keys) {
    if (key.key != "target") continue;
    auto name = string_value(context, key);
    auto found = std::find_if(std::begin(all_targets), std::end(all_targets),
                              [&](Target target) { return name && target_name(target) == *name; });
    if (found == std::end(all_targets)) {
      if (name) {
        context.error(key.value_mark(), "unknown target " + quoted(*name) +
                                            "; valid targets: local, ssh, docker, compose, kubernetes");
      }
      target_known = false;
    } else {
      environment.target = *found;
    }
  }

  std::optional<YAML::Mark> release_host_mark;
  for (const auto& key : keys) {
    if (key.key == "target") continue;
    if (const TargetKey* rule = target_key(key.key)) {
      if (!target_known) continue;  // the target error already says what is wrong
      if (std::find(rule->targets.begin(), rule->targets.end(), environment.target) == rule->targets.end()) {
        context.error(key.key_node.Mark(),
                      quoted(key.key) + " is only valid with target " + target_list(rule->targets));
        continue;
      }
    }
    if (key.key == "release_host") release_host_mark = key.value_mark();
    if (key.key == "after") after_mark = key.value_mark();
    environment_key(context, key, environment);
  }

  if (target_known) {
    for (const auto& required : required_keys) {
      if (required.target != environment.target) continue;
      bool present =
          std::any_of(keys.begin(), keys.end(), [&](const Entry& key) { return key.key == required.key; });
      if (!present) {
        context.error(entry.key_node.Mark(), "environment " + quoted(environment.name) + " has target " +
                                                 std::string(target_name(environment.target)) + " but no " +
                                                 quoted(required.key));
      }
    }
  }
  // The release hook runs on one of the hosts being deployed to, not on some other machine.
  if (release_host_mark && !environment.release_host.empty() && !environment.hosts.empty() &&
      std::find(environment.hosts.begin(), environment.hosts.end(), environment.release_host) ==
          environment.hosts.end()) {
    context.error(*release_host_mark,
                  "'release_host' " + quoted(environment.release_host) + " is not one of 'hosts'");
  }
  return environment;
}

// `after` must name another environment, and following it must not lead back to the start.
void check_promotions(ValidationContext& context, const std::vector<Environment>& environments,
                      const std::vector<YAML::Mark>& after_marks) {
  std::unordered_map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < environments.size(); ++i) index_of.emplace(environments[i].name, i);

  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::vector<std::size_t> promotes_from(environments.size(), none);
  for (std::size_t i = 0; i < environments.size(); ++i) {
    const std::string& after = environments[i].after;
    if (after.empty()) continue;
    auto found = index_of.find(after);
    if (found == index_of.end()) {
      context.error(after_marks[i], "'after' names unknown environment " + quoted(after));
    } else if (found->second == i) {
      context.error(after_marks[i], "environment " + quoted(after) + " cannot come after itself");
    } else {
      promotes_from[i] = found->second;
    }
  }

  // Each environment has at most one `after`, so following it from every start finds each cycle;
  // `walk` remembers which start reached an environment first, so each is followed once overall.
  std::vector<std::size_t> walk(environments.size(), none);
  for (std::size_t start = 0; start < environments.size(); ++start) {
    std::size_t current = start;
    while (current != none && walk[current] == none) {
      walk[current] = start;
      current = promotes_from[current];
    }
    if (current == none || walk[current] != start) continue;
    std::vector<std::size_t> cycle{current};
    for (std::size_t next = promotes_from[current]; next != current; next = promotes_from[next])
      cycle.push_back(next);
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    std::string text;
    for (std::size_t index : cycle) text += display_name(environments[index].name) + " -> ";
    text += display_name(environments[cycle.front()].name);
    context.error(after_marks[cycle.front()], "cycle in 'after': " + text);
  }
}

}  // namespace

std::vector<Environment> validate_environments(ValidationContext& context, const Entry& deploy_entry) {
  std::vector<Environment> environments;
  if (!expect_mapping(context, deploy_entry)) return environments;
  std::vector<YAML::Mark> after_marks;
  for (const auto& entry : entries(context, deploy_entry.value)) {
    YAML::Mark after_mark = entry.key_node.Mark();
    environments.push_back(validate_environment(context, entry, after_mark));
    after_marks.push_back(after_mark);
  }
  check_promotions(context, environments, after_marks);
  return environments;
}

}  // namespace slipway::pipeline::validation
