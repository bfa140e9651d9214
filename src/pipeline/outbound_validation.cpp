// Validation of slipway.yml's `status:` and `notify:`: URLs that are http(s), repositories as
// owner/name, and secrets named (as app config keys), never written out.
#include "pipeline/outbound_validation.h"

#include "pipeline/quoted.h"

namespace slipway::pipeline {

std::string_view forge_name(Forge forge) {
  switch (forge) {
    case Forge::github:
      return "github";
    case Forge::gitlab:
      return "gitlab";
    case Forge::gitea:
      return "gitea";
  }
  return "unknown";
}

bool Notification::wants(std::string_view event) const {
  for (const auto& name : on) {
    if (name == event) return true;
  }
  return false;
}

namespace validation {

namespace {

// Why TEXT is not an http(s) URL with a host, or nullopt if it is.
std::optional<std::string> url_problem(std::string_view text) {
  std::string_view rest;
  if (text.rfind("https://", 0) == 0) {
    rest = text.substr(8);
  } else if (text.rfind("http://", 0) == 0) {
    rest = text.substr(7);
  } else {
    return "it must start with http:// or https://";
  }
  if (rest.empty() || rest.front() == '/') return "it has no host";
  if (has_space_or_control(text)) return "no spaces or control characters";
  return std::nullopt;
}

// An app config key, as `slipway config set` accepts them: [A-Za-z_][A-Za-z0-9_]*.
bool is_secret_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || (name.front() >= '0' && name.front() <= '9')) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool is_repo_path(std::string_view repo, bool allow_groups) {
  std::size_t segments = 0;
  std::size_t start = 0;
  while (start <= repo.size()) {
    auto slash = repo.find('/', start);
    auto segment =
        repo.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment) {
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                c == '.' || c == '-';
      if (!ok) return false;
    }
    ++segments;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return allow_groups ? segments >= 2 : segments == 2;
}

std::optional<std::string> secret_name(ValidationContext& context, const Entry& entry) {
  auto name = string_value(context, entry);
  if (name && !is_secret_name(*name)) {
    context.error(entry.value_mark(),
                  "invalid '" + entry.key + "' " + quoted(*name) +
                      ": the name of a secret in the app's config ([A-Za-z_][A-Za-z0-9_]*, set "
                      "with `slipway config set APP NAME=VALUE --secret`), not the value itself");
    return std::nullopt;
  }
  return name;
}

std::optional<std::string> url_value(ValidationContext& context, const Entry& entry) {
  auto url = string_value(context, entry);
  if (!url) return std::nullopt;
  if (auto problem = url_problem(*url)) {
    context.error(entry.value_mark(), "invalid '" + entry.key + "' " + quoted(*url) + ": " + *problem);
    return std::nullopt;
  }
  while (entry.key == "api" && !url->empty() && url->back() == '/') url->pop_back();
  return url;
}

}  // namespace

std::optional<CommitStatusSettings> validate_commit_status(ValidationContext& context,
                                                           const Entry& status_entry) {
  if (!expect_mapping(context, status_entry)) return std::nullopt;
  CommitStatusSettings settings;
  settings.line = status_entry.key_node.Mark().line + 1;
  bool has_forge = false;
  bool has_repo = false;
  bool has_token = false;
  bool has_api = false;
  const Entry* repo_entry = nullptr;
  auto keys = entries(context, status_entry.value);
  for (const auto& key : keys) {
    if (key.key == "forge") {
      has_forge = true;
      auto forge = string_value(context, key);
      if (!forge) continue;
      if (*forge == "github") {
        settings.forge = Forge::github;
      } else if (*forge == "gitlab") {
        settings.forge = Forge::gitlab;
      } else if (*forge == "gitea" || *forge == "forgejo") {
        settings.forge = Forge::gitea;
      } else {
        context.error(key.value_mark(), "unknown forge " + quoted(*forge) +
                                            did_you_mean(*forge, {"github", "gitlab", "gitea", "forgejo"}) +
                                            "; valid forges: github, gitlab, gitea, forgejo");
      }
    } else if (key.key == "api") {
      has_api = true;
      if (auto url = url_value(context, key)) settings.api = std::move(*url);
    } else if (key.key == "repo") {
      has_repo = true;
      if (auto repo = string_value(context, key)) {
        settings.repo = std::move(*repo);
        repo_entry = &key;
      }
    } else if (key.key == "token") {
      has_token = true;  // present; an invalid value is reported on its own
      if (auto token = secret_name(context, key)) settings.token = std::move(*token);
    } else if (key.key == "context") {
      auto name = string_value(context, key);
      if (name && (name->size() > 255 || has_space_or_control(*name))) {
        context.error(key.value_mark(),
                      "invalid 'context' " + quoted(*name) + ": at most 255 characters, no spaces");
      } else if (name) {
        settings.context = std::move(*name);
      }
    } else {
      unknown_key(context, key, "in 'status'", {"forge", "api", "repo", "token", "context"});
    }
  }
  const auto mark = status_entry.key_node.Mark();
  if (!has_forge) context.error(mark, "'status' needs 'forge': github, gitlab, gitea or forgejo");
  if (!has_repo) context.error(mark, "'status' needs 'repo': owner/name of the repository on the forge");
  if (!has_token) {
    context.error(mark,
                  "'status' needs 'token': the name of the app secret that holds the forge's API token");
  }
  if (repo_entry && !is_repo_path(settings.repo, settings.forge == Forge::gitlab)) {
    context.error(repo_entry->value_mark(),
                  "invalid 'repo' " + quoted(settings.repo) +
                      (settings.forge == Forge::gitlab ? ": expected group/name (subgroups allowed)"
                                                       : ": expected owner/name"));
  }
  if (has_forge && !has_api) {
    if (settings.forge == Forge::github) {
      settings.api = "https://api.github.com";
    } else if (settings.forge == Forge::gitlab) {
      settings.api = "https://gitlab.com";
    } else {
      context.error(
          mark, "'status' needs 'api' for gitea and forgejo: the server's URL, e.g. https://codeberg.org");
    }
  }
  if (context.has_errors()) return std::nullopt;
  return settings;
}

std::vector<Notification> validate_notifications(ValidationContext& context, const Entry& notify_entry) {
  std::vector<Notification> notifications;
  if (!notify_entry.value.IsSequence()) {
    context.error(notify_entry.value_mark(),
                  "expected a sequence for 'notify', got " + std::string(describe(notify_entry.value)));
    return notifications;
  }
  for (const auto& item : notify_entry.value) {
    context.visit(item);
    if (!item.IsMap()) {
      context.error(item.Mark(),
                    "expected a mapping for each 'notify' entry ({url, format, secret, on}), got " +
                        std::string(describe(item)));
      continue;
    }
    Notification notification;
    notification.line = item.Mark().line + 1;
    bool has_url = false;
    const Entry* secret_entry = nullptr;
    auto keys = entries(context, item);
    for (const auto& key : keys) {
      if (key.key == "url") {
        if (has_url) context.error(key.key_node.Mark(), "give 'url' or 'url_secret', not both");
        has_url = true;
        if (auto url = url_value(context, key)) notification.url = std::move(*url);
      } else if (key.key == "url_secret") {
        if (has_url) context.error(key.key_node.Mark(), "give 'url' or 'url_secret', not both");
        has_url = true;
        if (auto name = secret_name(context, key)) notification.url_secret = std::move(*name);
      } else if (key.key == "format") {
        auto format = string_value(context, key);
        if (format && *format == "json") {
          notification.format = NotifyFormat::json;
        } else if (format && *format == "slack") {
          notification.format = NotifyFormat::slack;
        } else if (format) {
          context.error(key.value_mark(), "unknown format " + quoted(*format) +
                                              did_you_mean(*format, {"json", "slack"}) +
                                              "; valid formats: json, slack");
        }
      } else if (key.key == "secret") {
        if (auto name = secret_name(context, key)) {
          notification.secret = std::move(*name);
          secret_entry = &key;
        }
      } else if (key.key == "on") {
        auto events = string_items(context, key);
        if (!events) continue;
        notification.on.clear();
        for (auto& event : *events) {
          if (event.text != "success" && event.text != "failure" && event.text != "rollback") {
            context.error(event.mark, "unknown event " + quoted(event.text) +
                                          did_you_mean(event.text, {"success", "failure", "rollback"}) +
                                          "; valid events: success, failure, rollback");
          } else {
            notification.on.push_back(std::move(event.text));
          }
        }
      } else {
        unknown_key(context, key, "in 'notify'", {"url", "url_secret", "format", "secret", "on"});
      }
    }
    if (!has_url) {
      context.error(item.Mark(), "a 'notify' entry needs 'url' (or 'url_secret': the name of an app secret holding it)");
    }
    if (secret_entry && notification.format == NotifyFormat::slack) {
      context.error(secret_entry->key_node.Mark(),
                    "'secret' signs json notifications; a Slack incoming webhook's URL is its secret: keep it "
                    "in an app secret and name it with 'url_secret'");
    }
    notifications.push_back(std::move(notification));
  }
  return notifications;
}

}  // namespace validation
}  // namespace slipway::pipeline
