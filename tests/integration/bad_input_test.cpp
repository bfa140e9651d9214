// Hostile and broken input: shell metacharacters in branch names and commit
// messages, webhook signatures, oversized bodies, missing tokens, paths that
// try to leave the log folder.
#include <filesystem>

#include "daemon_fixture.h"
#include "util/crypto.h"

namespace slipway::testing {
namespace {

namespace fs = std::filesystem;

class BadInputTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    start_daemon();
  }

  bool pwned_anywhere() {
    for (const auto& dir : {root_, home_, fs::current_path().string(), std::string("/tmp")}) {
      if (fs::exists(dir + "/pwned")) return true;
    }
    for (const auto& entry : fs::recursive_directory_iterator(root_, fs::directory_options::skip_permission_denied)) {
      if (entry.path().filename() == "pwned") return true;
    }
    return false;
  }
};

TEST_F(BadInputTest, ShellMetacharactersInBranchesAndMessagesAreNeverExecuted) {
  create_project("app");
  const std::string yml = "steps:\n  show:\n    run: echo \"branch=$SLIPWAY_BRANCH\"\n";
  auto repo = make_repo("evil", {{"slipway.yml", yml}}, "message with `touch pwned` and $(touch pwned)");
  for (const std::string branch :
       {"x$(touch${IFS}pwned)", "x;touch${IFS}pwned", "x`touch${IFS}pwned`", "x$(touch${IFS}/tmp/pwned)"}) {
    auto pushed = push(repo, "app", branch);
    ASSERT_EQ(pushed.exit_code, 0) << branch << ": " << pushed.output;
  }
  auto runs = wait_for_runs("app", 4);
  for (const auto& summary : runs) {
    auto run = wait_for_run(summary["id"].get<std::int64_t>());
    EXPECT_EQ(run["status"], "success") << run.dump(2);
    EXPECT_EQ(run["message"], "message with `touch pwned` and $(touch pwned)");
    auto log = step_log(run["id"].get<std::int64_t>(), 1);
    EXPECT_NE(log.find("branch=" + run["branch"].get<std::string>()), std::string::npos) << log;
  }
  EXPECT_FALSE(pwned_anywhere());
}

TEST_F(BadInputTest, MutationsNeedATokenWithTheRightRole) {
  EXPECT_EQ(api("POST", "/projects", {{"name", "x"}}, "").status, 401);
  EXPECT_EQ(api("POST", "/projects", {{"name", "x"}}, "slw_wrong").status, 401);
  auto viewer = make_token("viewer");
  auto denied = api("POST", "/projects", {{"name", "x"}}, viewer);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.json()["error"]["status"], 403);
  EXPECT_EQ(api("GET", "/projects", nullptr, viewer).status, 200);
  EXPECT_EQ(api("GET", "/projects", nullptr, "").status, 401);  // not --public
  create_project("app");
  EXPECT_EQ(api("POST", "/projects/app/runs", nullptr, "").status, 401);
  EXPECT_EQ(api("POST", "/projects/app/runs", nullptr, viewer).status, 403);
  EXPECT_EQ(api("DELETE", "/projects/app", nullptr, viewer).status, 403);
  // git push needs a token too.
  auto repo = make_repo("anon", {{"slipway.yml", "steps:\n  a:\n    run: true\n"}});
  std::string url = daemon_.url() + "/git/app.git";
  auto anonymous = git(repo, {"push", "-q", url, "HEAD:refs/heads/main"});
  EXPECT_NE(anonymous.exit_code, 0);
  EXPECT_EQ(api("GET", "/runs?project=app").json()["runs"].size(), 0u);
}

TEST_F(BadInputTest, ErrorsAreJsonWithTheRightStatus) {
  auto missing = api("GET", "/runs/999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"]["message"], "no run 999");
  EXPECT_EQ(api("GET", "/runs/abc").status, 400);
  EXPECT_EQ(api("PUT", "/projects").status, 405);
  EXPECT_EQ(api("GET", "/nope").status, 404);
  EXPECT_EQ(api("POST", "/projects", {{"name", "../etc"}}).status, 400);
  EXPECT_EQ(api("POST", "/projects", {{"name", "-rf"}}).status, 400);
  auto bad_json = http_request("POST", daemon_.url(), "/api/v1/projects", "{not json",
                               {{"Authorization", "Bearer " + admin_token_}});
  EXPECT_EQ(bad_json.status, 400);
  create_project("dup");
  EXPECT_EQ(api("POST", "/projects", {{"name", "dup"}}).status, 409);
}

TEST_F(BadInputTest, LogEndpointRejectsPathTraversal) {
  create_project("app");
  auto repo = make_repo("logs", {{"slipway.yml", "steps:\n  a:\n    run: echo secret-free\n"}});
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  auto id = std::to_string(wait_for_run(wait_for_runs("app", 1)[0]["id"].get<std::int64_t>())["id"].get<std::int64_t>());
  std::map<std::string, std::string> auth{{"Authorization", "Bearer " + admin_token_}};
  for (const std::string& target :
       {"/api/v1/runs/" + id + "/steps/..%2f..%2fslipway.db/log", "/api/v1/runs/" + id + "/steps/../../../slipway.db/log",
        "/api/v1/runs/" + id + "/steps/-1/log", "/api/v1/runs/" + id + "/steps/1%00/log",
        "/api/v1/runs/..%2f" + id + "/steps/1/log", "/api/v1/runs/" + id + "/steps/99/log"}) {
    auto result = http_request("GET", daemon_.url(), target, "", auth);
    EXPECT_TRUE(result.status == 400 || result.status == 404) << target << " -> " << result.status;
    EXPECT_EQ(result.body.find("SQLite"), std::string::npos);
  }
  auto ok = http_request("GET", daemon_.url(), "/api/v1/runs/" + id + "/steps/1/log?offset=5", "", auth);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "t-free\n");
}

class WebhookTest : public BadInputTest {
 protected:
  void SetUp() override {
    BadInputTest::SetUp();
    // The "remote" is a plain repository the daemon fetches from.
    upstream_ = make_repo("upstream", {{"slipway.yml", "steps:\n  a:\n    run: echo from-webhook\n"}}, "webhook commit");
    create_project("remote", {{"source", upstream_}, {"webhook_secret", secret_}});
    head_ = git(upstream_, {"rev-parse", "HEAD"}).output.substr(0, 40);
  }

  std::string payload(const std::string& ref = "refs/heads/main", bool deleted = false) {
    return nlohmann::json{{"ref", ref},
                          {"before", std::string(40, '0')},
                          {"after", deleted ? std::string(40, '0') : head_},
                          {"deleted", deleted},
                          {"head_commit", {{"id", head_}, {"message", "webhook commit\n\nbody"}}},
                          {"repository", {{"full_name", "acme/remote"}}}}
        .dump();
  }

  HttpResult deliver(const std::string& body, const std::string& signature, const std::string& delivery,
                     const std::string& event = "push") {
    std::map<std::string, std::string> headers{{"X-GitHub-Event", event},
                                               {"X-GitHub-Delivery", delivery},
                                               {"Content-Type", "application/json"}};
    if (!signature.empty()) headers["X-Hub-Signature-256"] = signature;
    return http_request("POST", daemon_.url(), "/hooks/github/remote", body, headers);
  }

  std::string sign(const std::string& body) { return "sha256=" + util::hmac_sha256_hex(secret_, body); }

  std::string secret_ = "s3cret-webhook";
  std::string upstream_;
  std::string head_;
};

TEST_F(WebhookTest, ValidPushFetchesAndRuns) {
  auto body = payload();
  auto result = deliver(body, sign(body), "delivery-1");
  ASSERT_EQ(result.status, 201) << result.body;
  auto run = wait_for_run(result.json()["id"].get<std::int64_t>());
  EXPECT_EQ(run["status"], "success") << run.dump(2) << step_log(run["id"].get<std::int64_t>(), 0);
  EXPECT_EQ(run["trigger"], "webhook");
  EXPECT_EQ(run["commit"], head_);
  EXPECT_EQ(run["message"], "webhook commit");
  EXPECT_NE(step_log(run["id"].get<std::int64_t>(), 1).find("from-webhook"), std::string::npos);
}

TEST_F(WebhookTest, ManualRunOfARemoteProjectFetchesTheNewestCommit) {
  auto body = payload();
  ASSERT_EQ(deliver(body, sign(body), "first").status, 201);
  wait_for_run(wait_for_runs("remote", 1)[0]["id"].get<std::int64_t>());
  commit(upstream_, {{"slipway.yml", "steps:\n  a:\n    run: echo second\n"}}, "second upstream commit");
  std::string newest = git(upstream_, {"rev-parse", "HEAD"}).output.substr(0, 40);
  auto started = api("POST", "/projects/remote/runs", {{"ref", "main"}});
  ASSERT_EQ(started.status, 201) << started.body;
  auto run = wait_for_run(started.json()["id"].get<std::int64_t>());
  EXPECT_EQ(run["status"], "success") << run.dump(2);
  EXPECT_EQ(run["commit"], newest);
  EXPECT_EQ(run["message"], "second upstream commit");
}

TEST_F(WebhookTest, SourceCredentialsAreNeverShown) {
  create_project("secretive", {{"source", "https://user:hunter2@git.invalid/acme/app.git"}});
  auto project = api("GET", "/projects/secretive");
  EXPECT_EQ(project.json()["source"], "https://***@git.invalid/acme/app.git");
  EXPECT_EQ(project.body.find("hunter2"), std::string::npos);
}

TEST_F(WebhookTest, BadOrMissingSignatureIs401AndNoRun) {
  auto body = payload();
  EXPECT_EQ(deliver(body, "", "d1").status, 401);
  EXPECT_EQ(deliver(body, "sha256=" + std::string(64, '0'), "d2").status, 401);
  EXPECT_EQ(deliver(body, sign(body + " "), "d3").status, 401);
  EXPECT_EQ(deliver(body, "sha1=abc", "d4").status, 401);
  EXPECT_EQ(api("GET", "/runs?project=remote").json()["runs"].size(), 0u);
}

TEST_F(WebhookTest, ReplayedDeliveryStartsNoSecondRun) {
  auto body = payload();
  EXPECT_EQ(deliver(body, sign(body), "same-id").status, 201);
  auto again = deliver(body, sign(body), "same-id");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["duplicate"], true);
  EXPECT_EQ(api("GET", "/runs?project=remote").json()["runs"].size(), 1u);
}

TEST_F(WebhookTest, OversizedBodyIs413) {
  std::string body = payload();
  body.insert(body.size() - 1, ",\"padding\":\"" + std::string(1100 * 1024, 'x') + "\"");
  EXPECT_EQ(deliver(body, sign(body), "big").status, 413);
  EXPECT_EQ(api("GET", "/runs?project=remote").json()["runs"].size(), 0u);
}

TEST_F(WebhookTest, PingAndBranchDeletionStartNothing) {
  std::string ping = R"({"zen":"Keep it logically awesome."})";
  EXPECT_EQ(deliver(ping, sign(ping), "p1", "ping").status, 200);
  auto deleted = payload("refs/heads/gone", true);
  auto result = deliver(deleted, sign(deleted), "del1");
  EXPECT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(api("GET", "/runs?project=remote").json()["runs"].size(), 0u);
}

}  // namespace
}  // namespace slipway::testing
