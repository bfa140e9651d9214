// Outbound requests end to end: commit statuses for runs and notifications of
// deployments reach an HTTP receiver this test starts on 127.0.0.1, with the
// token from the app's secrets, signed bodies, retries after 5xx, and no run
// held up by a receiver that hangs. SLIPWAY_TEST_RETRY_BASE_MS keeps the
// daemon's retry delays (and request timeout) short.
#include <stdlib.h>

#include <set>

#include "daemon_fixture.h"
#include "http_receiver.h"
#include "util/crypto.h"

namespace slipway::testing {
namespace {

using namespace std::chrono_literals;

class OutboundTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    ::setenv("SLIPWAY_TEST_RETRY_BASE_MS", "100", 1);  // inherited by the daemon
    start_daemon();
  }
  void TearDown() override {
    SlipwayTest::TearDown();
    ::unsetenv("SLIPWAY_TEST_RETRY_BASE_MS");
  }

  void set_secret(const std::string& app, const std::string& assignment) {
    auto set = cli({"config", "set", app, assignment, "--secret"});
    ASSERT_EQ(set.exit_code, 0) << set.output;
  }

  // Pushes REPO to APP and waits for the run it makes (the COUNT-th of APP).
  nlohmann::json push_and_run(const std::string& repo, const std::string& app, std::size_t count) {
    auto pushed = push(repo, app);
    EXPECT_EQ(pushed.exit_code, 0) << pushed.output;
    auto runs = wait_for_runs(app, count);
    return wait_for_run(runs[0]["id"].get<std::int64_t>());
  }

  static nlohmann::json body_of(const ReceivedRequest& request) {
    return nlohmann::json::parse(request.body);
  }
};

TEST_F(OutboundTest, RunsReportPendingThenTheirResultToGithubAndGitlab) {
  HttpReceiver receiver;
  create_project("api");
  set_secret("api", "FORGE_TOKEN=tok-5d1e");
  const std::string github =
      "status: {forge: github, api: '" + receiver.url() + "', repo: acme/api, token: FORGE_TOKEN}\n";
  auto repo = make_repo("api", {{"slipway.yml", github + "steps:\n  test: {run: sleep 1}\n"}});
  auto run = push_and_run(repo, "api", 1);
  ASSERT_EQ(run["status"], "success") << run.dump(2);
  const std::string sha = run["commit"];
  const std::string link = daemon_.url() + "/#/runs/" + std::to_string(run["id"].get<int>());

  auto got = receiver.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& request : got) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/repos/acme/api/statuses/" + sha);
    EXPECT_EQ(request.headers.at("authorization"), "Bearer tok-5d1e");
    EXPECT_EQ(request.headers.at("content-type"), "application/json");
    EXPECT_EQ(body_of(request)["target_url"], link);
    EXPECT_EQ(body_of(request)["context"], "slipway");
  }
  EXPECT_EQ(body_of(got[0])["state"], "pending");
  EXPECT_EQ(body_of(got[1])["state"], "success");

  // GitLab: its own path, header and state names; a failing run says `failed`.
  const std::string gitlab =
      "status: {forge: gitlab, api: '" + receiver.url() + "', repo: group/api, token: FORGE_TOKEN}\n";
  commit(repo, {{"slipway.yml", gitlab + "steps:\n  test: {run: sleep 1 && false}\n"}}, "break it");
  auto failed = push_and_run(repo, "api", 2);
  ASSERT_EQ(failed["status"], "failed") << failed.dump(2);
  got = receiver.wait_for(4);
  ASSERT_EQ(got.size(), 4u);
  const std::string failed_sha = failed["commit"];
  EXPECT_EQ(got[2].target, "/api/v4/projects/group%2Fapi/statuses/" + failed_sha);
  EXPECT_EQ(got[2].headers.at("private-token"), "tok-5d1e");
  EXPECT_EQ(got[2].headers.count("authorization"), 0u);
  EXPECT_EQ(body_of(got[2])["state"], "running");
  EXPECT_EQ(body_of(got[3])["state"], "failed");
  EXPECT_EQ(body_of(got[3])["name"], "slipway");
  EXPECT_EQ(body_of(got[3])["description"],
            "Run " + std::to_string(failed["id"].get<int>()) + " failed: failed: test");

  // The token is in no row of the outbox, and the API shows where each delivery stands.
  // The database and its write-ahead log, where fresh rows are until a checkpoint.
  EXPECT_EQ((read_file(home_ + "/slipway.db") + read_file(home_ + "/slipway.db-wal")).find("tok-5d1e"), std::string::npos);
  auto deliveries = api("GET", "/deliveries?project=api").json()["deliveries"];
  ASSERT_EQ(deliveries.size(), 4u) << deliveries.dump(2);
  EXPECT_EQ(deliveries[0]["status"], "delivered");
  EXPECT_EQ(deliveries[0]["event"], "failed");
  EXPECT_EQ(deliveries[0]["attempts"], 1);
}

TEST_F(OutboundTest, ARetriedDeliveryArrivesOnItsThirdAttempt) {
  HttpReceiver receiver(
      [](const ReceivedRequest&, int index) { return ReceiverReply{index < 2 ? 500 : 200}; });
  create_project("api");
  set_secret("api", "FORGE_TOKEN=t");
  const std::string status =
      "status: {forge: gitea, api: '" + receiver.url() + "', repo: acme/api, token: FORGE_TOKEN}\n";
  auto repo = make_repo("api", {{"slipway.yml", status + "steps:\n  test: {run: sleep 2}\n"}});
  auto run = push_and_run(repo, "api", 1);
  ASSERT_EQ(run["status"], "success") << run.dump(2);
  auto got = receiver.wait_for(4);
  ASSERT_EQ(got.size(), 4u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(body_of(got[i])["state"], "pending") << i;
  EXPECT_EQ(body_of(got[3])["state"], "success");
  EXPECT_EQ(got[0].target, "/api/v1/repos/acme/api/statuses/" + run["commit"].get<std::string>());
  EXPECT_EQ(got[0].headers.at("authorization"), "token t");
  auto deliveries = api("GET", "/deliveries?project=api").json()["deliveries"];
  ASSERT_EQ(deliveries.size(), 2u) << deliveries.dump(2);
  EXPECT_EQ(deliveries[1]["event"], "pending");
  EXPECT_EQ(deliveries[1]["attempts"], 3);
  EXPECT_EQ(deliveries[1]["status"], "delivered");
}

TEST_F(OutboundTest, AReceiverThatHangsDoesNotHoldUpTheRun) {
  HttpReceiver receiver([](const ReceivedRequest&, int) { return ReceiverReply{200, 20s}; });
  create_project("api");
  set_secret("api", "FORGE_TOKEN=t");
  const std::string status =
      "status: {forge: github, api: '" + receiver.url() + "', repo: acme/api, token: FORGE_TOKEN}\n";
  auto repo =
      make_repo("api", {{"slipway.yml", status + "steps:\n  one: {run: 'true'}\n  two: {run: 'true'}\n"}});
  auto started = std::chrono::steady_clock::now();
  auto run = push_and_run(repo, "api", 1);
  ASSERT_EQ(run["status"], "success") << run.dump(2);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_GE(receiver.wait_for(1, 10s).size(), 1u);
}

TEST_F(OutboundTest, ARunInterruptedByAKilledDaemonIsReportedCancelledAfterTheRestart) {
  HttpReceiver receiver;
  create_project("api");
  set_secret("api", "FORGE_TOKEN=t");
  const std::string status =
      "status: {forge: github, api: '" + receiver.url() + "', repo: acme/api, token: FORGE_TOKEN}\n";
  auto repo = make_repo("api", {{"slipway.yml", status + "steps:\n  slow: {run: sleep 60}\n"}});
  ASSERT_EQ(push(repo, "api").exit_code, 0);
  auto got = receiver.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(body_of(got[0])["state"], "pending");
  daemon_.kill9();
  start_daemon();
  // The kill may come before the daemon recorded the answer: then `pending` is sent again (at
  // least once), before the `error`.
  for (int i = 0; i < 100 && body_of(got.back())["state"] != "error"; ++i) {
    got = receiver.wait_for(got.size() + 1, 1s);
  }
  ASSERT_LE(got.size(), 3u);
  EXPECT_EQ(got.back().target, got[0].target);
  EXPECT_EQ(body_of(got.back())["state"], "error");
  EXPECT_EQ(body_of(got.back())["target_url"], body_of(got[0])["target_url"]);
  EXPECT_EQ(wait_for_runs("api", 1)[0]["status"], "interrupted");
}

TEST_F(OutboundTest, DeploymentsNotifySignedJsonAndSlack) {
  HttpReceiver receiver;
  create_project("site");
  set_secret("site", "HOOK_SECRET=hook-7f3a");
  // The Slack URL is a secret of the app: the repository only names it.
  set_secret("site", "SLACK_URL=" + receiver.url() + "/slack");
  const std::string pipeline =
      "steps:\n  test: {run: test -f index.html}\n"
      "deploy:\n  production: {}\n"
      "notify:\n"
      "  - {url: '" +
      receiver.url() +
      "/json', secret: HOOK_SECRET}\n"
      "  - {url_secret: SLACK_URL, format: slack, on: [success]}\n"
      "  - {url: '" +
      receiver.url() + "/failures', on: [failure]}\n";
  auto repo = make_repo("site", {{"slipway.yml", pipeline}, {"index.html", "hello\n"}});
  auto run = push_and_run(repo, "site", 1);
  ASSERT_EQ(run["status"], "success") << run.dump(2);
  auto deployments = wait_for_deployments("site", 1);
  auto deployment = wait_for_deployment(deployments[0]["id"].get<std::int64_t>());
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2);

  auto got = receiver.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  const ReceivedRequest& json = got[0].target == "/json" ? got[0] : got[1];
  const ReceivedRequest& slack = got[0].target == "/json" ? got[1] : got[0];
  ASSERT_EQ(json.target, "/json");
  ASSERT_EQ(slack.target, "/slack");
  EXPECT_EQ(json.headers.at("x-slipway-signature"),
            "sha256=" + util::hmac_sha256_hex("hook-7f3a", json.body));
  EXPECT_EQ(json.headers.at("x-slipway-event"), "success");
  auto body = body_of(json);
  EXPECT_EQ(json.headers.at("x-slipway-delivery"), body["delivery"]);
  EXPECT_EQ(body["event"], "success");
  EXPECT_EQ(body["app"], "site");
  EXPECT_EQ(body["environment"], "production");
  EXPECT_EQ(body["deployment_id"], deployment["id"]);
  EXPECT_EQ(body["release"], 1);
  EXPECT_EQ(body["commit"], run["commit"]);
  EXPECT_EQ(body["status"], "success");
  EXPECT_EQ(body["url"], daemon_.url() + "/#/apps/site/production");
  EXPECT_FALSE(body["finished_at"].get<std::string>().empty());
  auto text = body_of(slack)["text"].get<std::string>();
  EXPECT_NE(text.find("site production: release 1"), std::string::npos) << text;
  EXPECT_NE(text.find("is live"), std::string::npos) << text;
  EXPECT_EQ(slack.headers.count("x-slipway-signature"), 0u);
  const std::string database = read_file(home_ + "/slipway.db") + read_file(home_ + "/slipway.db-wal");
  EXPECT_EQ(database.find("hook-7f3a"), std::string::npos);
  EXPECT_EQ(database.find(receiver.url() + "/slack"), std::string::npos);
  // The `on: [failure]` webhook was not called: two rows in all, both delivered.
  auto deliveries = api("GET", "/deliveries?project=site").json()["deliveries"];
  ASSERT_EQ(deliveries.size(), 2u) << deliveries.dump(2);
  std::set<std::string> targets;
  for (const auto& delivery : deliveries) {
    EXPECT_EQ(delivery["kind"], "notification");
    EXPECT_EQ(delivery["deployment_id"], deployment["id"]);
    EXPECT_EQ(delivery["status"], "delivered");
    targets.insert(delivery["to"].get<std::string>());
  }
  EXPECT_EQ(targets, (std::set<std::string>{receiver.url(), "the URL in secret SLACK_URL"}));
  EXPECT_EQ(receiver.requests().size(), 2u);
}

}  // namespace
}  // namespace slipway::testing
