#include "scheduler/commit_status.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace slipway::scheduler {
namespace {

using pipeline::Forge;

pipeline::CommitStatusSettings settings(Forge forge, std::string api, std::string repo) {
  pipeline::CommitStatusSettings s;
  s.forge = forge;
  s.api = std::move(api);
  s.repo = std::move(repo);
  s.token = "FORGE_TOKEN";
  return s;
}

store::Run run(store::RunStatus status, std::string reason = {}) {
  store::Run r;
  r.id = 12;
  r.project_id = 3;
  r.commit = std::string(40, 'a');
  r.status = status;
  r.reason = std::move(reason);
  return r;
}

TEST(CommitStatus, StatesPerForge) {
  using P = RunPhase;
  for (Forge forge : {Forge::github, Forge::gitea}) {
    EXPECT_EQ(forge_state(forge, P::started), "pending");
    EXPECT_EQ(forge_state(forge, P::succeeded), "success");
    EXPECT_EQ(forge_state(forge, P::failed), "failure");
    EXPECT_EQ(forge_state(forge, P::cancelled), "error");
  }
  EXPECT_EQ(forge_state(Forge::gitlab, P::started), "running");
  EXPECT_EQ(forge_state(Forge::gitlab, P::succeeded), "success");
  EXPECT_EQ(forge_state(Forge::gitlab, P::failed), "failed");
  EXPECT_EQ(forge_state(Forge::gitlab, P::cancelled), "canceled");
}

TEST(CommitStatus, RunPhases) {
  EXPECT_EQ(run_phase(store::RunStatus::running), RunPhase::started);
  EXPECT_EQ(run_phase(store::RunStatus::success), RunPhase::succeeded);
  EXPECT_EQ(run_phase(store::RunStatus::failed), RunPhase::failed);
  EXPECT_EQ(run_phase(store::RunStatus::cancelled), RunPhase::cancelled);
  EXPECT_EQ(run_phase(store::RunStatus::interrupted), RunPhase::cancelled);
  EXPECT_FALSE(run_phase(store::RunStatus::skipped));
  EXPECT_FALSE(run_phase(store::RunStatus::queued));
}

TEST(CommitStatus, UrlsAndAuthHeaders) {
  const std::string sha(40, 'a');
  EXPECT_EQ(status_url(settings(Forge::github, "https://api.github.com", "acme/api"), sha),
            "https://api.github.com/repos/acme/api/statuses/" + sha);
  EXPECT_EQ(status_url(settings(Forge::gitea, "https://codeberg.org", "acme/api"), sha),
            "https://codeberg.org/api/v1/repos/acme/api/statuses/" + sha);
  EXPECT_EQ(status_url(settings(Forge::gitlab, "https://gitlab.com", "group/sub/api"), sha),
            "https://gitlab.com/api/v4/projects/group%2Fsub%2Fapi/statuses/" + sha);
  EXPECT_EQ(auth_header(auth_scheme(Forge::github), "t"),
            std::make_pair(std::string("Authorization"), std::string("Bearer t")));
  EXPECT_EQ(auth_header(auth_scheme(Forge::gitea), "t"),
            std::make_pair(std::string("Authorization"), std::string("token t")));
  EXPECT_EQ(auth_header(auth_scheme(Forge::gitlab), "t"),
            std::make_pair(std::string("PRIVATE-TOKEN"), std::string("t")));
}

TEST(CommitStatus, GithubDelivery) {
  auto d = commit_status_delivery(settings(Forge::github, "https://api.github.com", "acme/api"),
                                  run(store::RunStatus::failed, "failed: test"), RunPhase::failed,
                                  "http://ci.example:7300");
  EXPECT_EQ(d.kind, "status");
  EXPECT_EQ(d.event, "failure");
  EXPECT_EQ(d.run_id, 12);
  EXPECT_EQ(d.project_id, 3);
  EXPECT_EQ(d.auth_secret, "FORGE_TOKEN");
  EXPECT_EQ(d.auth_scheme, "bearer");
  auto body = nlohmann::json::parse(d.body);
  EXPECT_EQ(body["state"], "failure");
  EXPECT_EQ(body["target_url"], "http://ci.example:7300/#/runs/12");
  EXPECT_EQ(body["description"], "Run 12 failed: failed: test");
  EXPECT_EQ(body["context"], "slipway");
  EXPECT_FALSE(body.contains("name"));
  EXPECT_EQ(d.body.find("FORGE_TOKEN"), std::string::npos);
  EXPECT_EQ(d.headers.find("FORGE_TOKEN"), std::string::npos);
}

TEST(CommitStatus, GitlabDeliveryNamesItsContext) {
  auto d = commit_status_delivery(settings(Forge::gitlab, "https://gitlab.com", "g/api"),
                                  run(store::RunStatus::running), RunPhase::started, "http://ci");
  auto body = nlohmann::json::parse(d.body);
  EXPECT_EQ(body["state"], "running");
  EXPECT_EQ(body["name"], "slipway");
  EXPECT_FALSE(body.contains("context"));
  EXPECT_EQ(d.auth_scheme, "private-token");
}

TEST(CommitStatus, DescriptionsAreOneLineAndShort) {
  auto long_reason = run(store::RunStatus::failed, std::string(300, 'x') + "\nmore");
  EXPECT_LE(status_description(long_reason, RunPhase::failed).size(), 140u);
  EXPECT_EQ(status_description(run(store::RunStatus::interrupted), RunPhase::cancelled),
            "Run 12 was interrupted (slipway stopped)");
  EXPECT_EQ(status_description(run(store::RunStatus::cancelled), RunPhase::cancelled),
            "Run 12 was cancelled");
}

TEST(CommitStatus, AnInterruptedRunFollowsItsPendingStatus) {
  auto pending = commit_status_delivery(settings(Forge::gitlab, "https://gitlab.com", "g/api"),
                                        run(store::RunStatus::running), RunPhase::started, "http://ci");
  pending.id = 5;
  auto cancelled = interrupted_status(pending);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->event, "canceled");
  EXPECT_EQ(nlohmann::json::parse(cancelled->body)["state"], "canceled");
  EXPECT_EQ(nlohmann::json::parse(cancelled->body)["target_url"], "http://ci/#/runs/12");
  EXPECT_EQ(cancelled->url, pending.url);
  EXPECT_EQ(cancelled->id, 0);
  pending.event = "success";
  EXPECT_FALSE(interrupted_status(pending));
}

}  // namespace
}  // namespace slipway::scheduler
