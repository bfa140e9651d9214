// Tests for `status:` and `notify:` of parse_pipeline().
#include <gtest/gtest.h>

#include <string>

#include "pipeline/pipeline_file.h"

namespace slipway::pipeline {
namespace {

// TEXT comes after a minimal `steps:`, so it starts on line 2.
std::string errors(std::string_view text) {
  auto pipeline = parse_pipeline("steps: {a: {run: x}}\n" + std::string(text));
  return pipeline ? "(no error)" : pipeline.error();
}

PipelineFile parsed(std::string_view text) {
  auto pipeline = parse_pipeline("steps: {a: {run: x}}\n" + std::string(text));
  EXPECT_TRUE(pipeline) << pipeline.error();
  return pipeline ? *pipeline : PipelineFile{};
}

TEST(CommitStatus, AbsentMeansNone) { EXPECT_FALSE(parsed("").status); }

TEST(CommitStatus, GithubWithItsDefaultApi) {
  auto status = parsed("status: {forge: github, repo: acme/api, token: GITHUB_TOKEN}\n").status;
  ASSERT_TRUE(status);
  EXPECT_EQ(status->forge, Forge::github);
  EXPECT_EQ(status->api, "https://api.github.com");
  EXPECT_EQ(status->repo, "acme/api");
  EXPECT_EQ(status->token, "GITHUB_TOKEN");
  EXPECT_EQ(status->context, "slipway");
  EXPECT_EQ(status->line, 2);
}

TEST(CommitStatus, GitlabWithGroupsAndForgejoAsGitea) {
  auto gitlab =
      parsed("status: {forge: gitlab, api: 'https://git.example.com/', repo: a/b/c, token: T, context: ci}\n")
          .status;
  ASSERT_TRUE(gitlab);
  EXPECT_EQ(gitlab->api, "https://git.example.com");  // trailing slash dropped
  EXPECT_EQ(gitlab->repo, "a/b/c");
  EXPECT_EQ(gitlab->context, "ci");
  auto forgejo =
      parsed("status: {forge: forgejo, api: 'http://127.0.0.1:3000', repo: o/r, token: T}\n").status;
  ASSERT_TRUE(forgejo);
  EXPECT_EQ(forgejo->forge, Forge::gitea);
}

TEST(CommitStatus, Errors) {
  EXPECT_EQ(errors("status: {forge: githb, repo: a/b, token: T}\n"),
            "slipway.yml:2:17: unknown forge 'githb' (did you mean 'github'?); valid forges: github, gitlab, "
            "gitea, "
            "forgejo");
  EXPECT_EQ(errors("status: {forge: github, repo: a/b/c, token: T}\n"),
            "slipway.yml:2:31: invalid 'repo' 'a/b/c': expected owner/name");
  EXPECT_EQ(errors("status: {forge: gitea, repo: a/b, token: T}\n"),
            "slipway.yml:2:1: 'status' needs 'api' for gitea and forgejo: the server's URL, e.g. "
            "https://codeberg.org");
  EXPECT_EQ(errors("status: {forge: github, repo: a/b, token: ghp_abc-123}\n"),
            "slipway.yml:2:43: invalid 'token' 'ghp_abc-123': the name of a secret in the app's config "
            "([A-Za-z_][A-Za-z0-9_]*, set with `slipway config set APP NAME=VALUE --secret`), not the value "
            "itself");
  EXPECT_EQ(errors("status: {forge: github, api: 'ftp://x', repo: a/b, token: T}\n"),
            "slipway.yml:2:30: invalid 'api' 'ftp://x': it must start with http:// or https://");
  EXPECT_EQ(
      errors("status: {forge: github}\n"),
      "slipway.yml:2:1: 'status' needs 'repo': owner/name of the repository on the forge\n"
      "slipway.yml:2:1: 'status' needs 'token': the name of the app secret that holds the forge's API token");
  EXPECT_EQ(
      errors("status: {forge: github, repo: a/b, token: T, contxt: x}\n"),
      "slipway.yml:2:46: unknown key 'contxt' in 'status' (did you mean 'context'?); valid keys: forge, api, "
      "repo, token, context");
  EXPECT_EQ(errors("status: github\n"), "slipway.yml:2:9: expected a mapping for 'status', got a string");
}

TEST(Notify, DefaultsAndAllKeys) {
  auto notify = parsed(R"(notify:
  - url: https://hooks.example.com/deploys
  - {url: 'https://hooks.slack.com/services/T/B/X', format: slack, on: [failure, rollback]}
  - {url: 'http://127.0.0.1:9/x', secret: HOOK_SECRET, on: success}
)")
                    .notify;
  ASSERT_EQ(notify.size(), 3u);
  EXPECT_EQ(notify[0].format, NotifyFormat::json);
  EXPECT_TRUE(notify[0].wants("success") && notify[0].wants("failure") && notify[0].wants("rollback"));
  EXPECT_EQ(notify[0].line, 3);
  EXPECT_EQ(notify[1].format, NotifyFormat::slack);
  EXPECT_FALSE(notify[1].wants("success"));
  EXPECT_TRUE(notify[1].wants("rollback"));
  EXPECT_EQ(notify[2].secret, "HOOK_SECRET");
  EXPECT_TRUE(notify[2].wants("success"));
  EXPECT_FALSE(notify[2].wants("failure"));
}

TEST(Notify, Errors) {
  EXPECT_EQ(errors("notify: {url: x}\n"), "slipway.yml:2:9: expected a sequence for 'notify', got a mapping");
  EXPECT_EQ(errors("notify:\n  - format: json\n"),
            "slipway.yml:3:5: a 'notify' entry needs 'url' (or 'url_secret': the name of an app secret holding it)");
  EXPECT_EQ(errors("notify:\n  - {url: 'https://x', url_secret: SLACK_URL}\n"),
            "slipway.yml:3:24: give 'url' or 'url_secret', not both");
  EXPECT_EQ(
      errors("notify:\n  - {url: 'https://x', on: [sucess]}\n"),
      "slipway.yml:3:29: unknown event 'sucess' (did you mean 'success'?); valid events: success, failure, "
      "rollback");
  EXPECT_EQ(errors("notify:\n  - {url: 'https://x', format: xml}\n"),
            "slipway.yml:3:32: unknown format 'xml'; valid formats: json, slack");
  EXPECT_EQ(
      errors("notify:\n  - {url: 'https://x', format: slack, secret: S}\n"),
      "slipway.yml:3:39: 'secret' signs json notifications; a Slack incoming webhook's URL is its secret: keep "
      "it in an app secret and name it with 'url_secret'");
  EXPECT_EQ(errors("notify:\n  - {url: 'https:///path'}\n"),
            "slipway.yml:3:11: invalid 'url' 'https:///path': it has no host");
  EXPECT_EQ(errors("notify:\n  - https://x\n"),
            "slipway.yml:3:5: expected a mapping for each 'notify' entry ({url, format, secret, on}), got a "
            "string");
}

TEST(Notify, AUrlCanBeTheNameOfASecret) {
  auto notify = parsed("notify:\n  - {url_secret: SLACK_URL, format: slack}\n").notify;
  ASSERT_EQ(notify.size(), 1u);
  EXPECT_EQ(notify[0].url, "");
  EXPECT_EQ(notify[0].url_secret, "SLACK_URL");
  EXPECT_NE(errors("notify:\n  - {url_secret: 'not a name'}\n"), "(no error)");
}

}  // namespace
}  // namespace slipway::pipeline
