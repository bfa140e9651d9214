// The outbound parts of slipway.yml: `status:` (commit statuses reported to a
// forge for every run) and `notify:` (webhooks called when a deployment ends).
// Parsed and validated with the rest of the file; sent by the scheduler's outbox.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slipway::pipeline {

enum class Forge { github, gitlab, gitea };  // gitea also stands for Forgejo (the same API)
std::string_view forge_name(Forge forge);

// `status: {forge, api, repo, token, context}`.
struct CommitStatusSettings {
  Forge forge = Forge::github;
  std::string api;                  // the API's base URL; the forge's public one when absent (not for gitea)
  std::string repo;                 // owner/name (GitLab: the project's full path, groups included)
  std::string token;                // the NAME of a secret in the app's config, never the token itself
  std::string context = "slipway";  // GitHub/Gitea `context`, GitLab `name`
  int line = 0;
};

enum class NotifyFormat { json, slack };

// One entry of `notify:`.
struct Notification {
  std::string url;
  std::string url_secret;  // or the NAME of an app secret that holds the URL (keeps a Slack URL out of the repo)
  NotifyFormat format = NotifyFormat::json;
  std::string secret;  // json: the NAME of the app secret that signs the body; empty: unsigned
  std::vector<std::string> on{"success", "failure", "rollback"};
  int line = 0;

  bool wants(std::string_view event) const;
};

}  // namespace slipway::pipeline
