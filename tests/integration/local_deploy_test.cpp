// The CD half on this machine, end to end: a push whose tests pass is
// released, started under gunicorn beside the old version, health-checked and
// switched in the daemon's real nginx; failures keep the old version serving;
// rollback, kill -9 of the daemon, app crashes, secrets and bad domains.
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "daemon_fixture.h"
#include "load_generator.h"
#include "sample_app.h"

namespace slipway::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kApp = kSampleApp;
constexpr const char* kProcfile = kSampleProcfile;
constexpr const char* kPipeline = kSamplePipeline;

class LocalDeployTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    start_daemon();
    create_project("shop");
    repo_ = make_repo("shop", {{"app.py", kApp}, {"Procfile", kProcfile}, {"slipway.yml", kPipeline}, {"VERSION", "1"}});
  }

  // Pushes the repo and waits for the deployment the push makes.
  nlohmann::json push_and_deploy() {
    ++pushes_;
    auto pushed = push(repo_, "shop");
    EXPECT_EQ(pushed.exit_code, 0) << pushed.output;
    auto runs = wait_for_runs("shop", static_cast<std::size_t>(pushes_));
    auto run = wait_for_run(runs[0]["id"].get<std::int64_t>());
    EXPECT_EQ(run["status"], "success") << run.dump(2);
    auto deployments = wait_for_deployments("shop", static_cast<std::size_t>(++deployments_));
    auto done = wait_for_deployment(deployments[0]["id"].get<std::int64_t>());
    return done;
  }

  std::string served() { return via_proxy("shop.localhost").body; }

  std::string deployment_log(std::int64_t id) {
    return api("GET", "/deployments/" + std::to_string(id) + "/log").body;
  }

  std::string repo_;
  int pushes_ = 0;
  int deployments_ = 0;
};

TEST_F(LocalDeployTest, PushGoesLiveBehindNginx) {
  auto deployment = push_and_deploy();
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2) << deployment_log(deployment["id"]);
  EXPECT_EQ(deployment["release"], 1);
  EXPECT_EQ(deployment["url"], "http://shop.localhost:" + std::to_string(proxy_port_) + "/");
  EXPECT_EQ(served(), "version 1 release 1\n");
  EXPECT_EQ(via_proxy("production.shop.localhost").body, "version 1 release 1\n");
  EXPECT_EQ(via_proxy("nobody.localhost").status, 404);

  auto releases = api("GET", "/apps/shop/releases").json()["releases"];
  ASSERT_EQ(releases.size(), 1u);
  EXPECT_EQ(releases[0]["current_in"], nlohmann::json::array({"production"}));
  EXPECT_EQ(releases[0]["app_type"], "procfile");
  // The release is an immutable copy of the workspace without .git, pointed at by `current`.
  auto current = fs::read_symlink(home_ + "/apps/shop/production/current");
  EXPECT_TRUE(fs::exists(current / "app.py"));
  EXPECT_FALSE(fs::exists(current / ".git"));
  auto apps = cli({"apps"});
  EXPECT_EQ(apps.exit_code, 0) << apps.output;
  EXPECT_NE(apps.output.find("shop"), std::string::npos) << apps.output;
}

TEST_F(LocalDeployTest, SecondPushSwitchesWithoutAFailedRequest) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  LoadGenerator load([this] { return via_proxy("shop.localhost"); });
  commit(repo_, {{"VERSION", "2"}}, "version 2");
  auto deployment = push_and_deploy();
  std::this_thread::sleep_for(300ms);
  load.finish();
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2);
  EXPECT_EQ(load.failures(), 0) << load.last_failure();
  EXPECT_GT(load.requests(), 20);
  EXPECT_EQ(load.last_body(), "version 2 release 2\n");
  // Only the new instance runs: the old one was drained and stopped.
  auto ps = api("GET", "/apps/shop/ps").json()["instances"];
  ASSERT_EQ(ps.size(), 1u) << ps.dump();
  EXPECT_EQ(ps[0]["release"], 2);
  EXPECT_EQ(supervisor_pids(home_).size(), 1u);
}

TEST_F(LocalDeployTest, FailedHealthCheckKeepsTheOldVersionServing) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  LoadGenerator load([this] { return via_proxy("shop.localhost"); });
  std::string pipeline = kPipeline;
  pipeline.replace(pipeline.find("timeout: 20s"), 12, "timeout: 3s");
  commit(repo_, {{"VERSION", "2"}, {"BROKEN", "yes"}, {"slipway.yml", pipeline}}, "broken version");
  auto deployment = push_and_deploy();
  load.finish();
  EXPECT_EQ(deployment["status"], "failed");
  const std::string reason = deployment["reason"];
  EXPECT_EQ(reason.rfind("health check failed for web.1: timed out after 3s (last attempt: HTTP 500 from /healthz)", 0), 0u)
      << reason;
  EXPECT_NE(reason.find("starting version 2"), std::string::npos) << "the new process's last lines: " << reason;
  EXPECT_EQ(load.failures(), 0) << load.last_failure();
  EXPECT_EQ(served(), "version 1 release 1\n");
  EXPECT_EQ(supervisor_pids(home_).size(), 1u);
}

TEST_F(LocalDeployTest, RollbackServesThePreviousRelease) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  commit(repo_, {{"VERSION", "2"}}, "version 2");
  ASSERT_EQ(push_and_deploy()["status"], "success");
  ASSERT_EQ(served(), "version 2 release 2\n");

  auto rollback = cli({"rollback", "shop", "--wait"});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.output;
  EXPECT_EQ(served(), "version 1 release 1\n");
  auto deployments = api("GET", "/apps/shop/deployments").json()["deployments"];
  EXPECT_EQ(deployments[0]["kind"], "rollback");
  EXPECT_EQ(deployments[0]["release"], 1);
  EXPECT_EQ(deployments[0]["previous_release"], 2);
  // Deploying a given release works the same way.
  auto deploy = api("POST", "/apps/shop/deploy", {{"release", 2}});
  ASSERT_EQ(deploy.status, 201) << deploy.body;
  EXPECT_EQ(wait_for_deployment(deploy.json()["id"])["status"], "success");
  EXPECT_EQ(served(), "version 2 release 2\n");
}

TEST_F(LocalDeployTest, AppsOutliveAKilledDaemonAndAreAdoptedOnRestart) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  auto before = supervisor_pids(home_);
  ASSERT_EQ(before.size(), 1u);
  daemon_.kill9();
  EXPECT_EQ(served(), "version 1 release 1\n");  // nginx and the app do not need the daemon
  start_daemon();
  EXPECT_EQ(served(), "version 1 release 1\n");
  EXPECT_EQ(supervisor_pids(home_), before);  // adopted: no duplicate, no restart
  commit(repo_, {{"VERSION", "2"}}, "version 2");
  ASSERT_EQ(push_and_deploy()["status"], "success");
  EXPECT_EQ(served(), "version 2 release 2\n");
  EXPECT_EQ(supervisor_pids(home_).size(), 1u);
}

TEST_F(LocalDeployTest, CrashedAppIsRestartedBySupervisor) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  auto instance = api("GET", "/apps/shop/ps").json()["instances"][0];
  const int pid = instance["pid"];
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  auto deadline = std::chrono::steady_clock::now() + 20s;
  nlohmann::json now;
  while (std::chrono::steady_clock::now() < deadline) {
    now = api("GET", "/apps/shop/ps").json()["instances"][0];
    if (now["status"] == "running" && now["pid"] != pid && via_proxy("shop.localhost").status == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(now["status"], "running") << now.dump();
  EXPECT_NE(now["pid"], pid);
  EXPECT_GE(now["restarts"].get<int>(), 1);
  EXPECT_EQ(served(), "version 1 release 1\n");
}

TEST_F(LocalDeployTest, AKilledSupervisorIsStartedAgainWithoutADuplicateApp) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  auto before = supervisor_pids(home_);
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(::kill(before[0], SIGKILL), 0);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  std::vector<int> now;
  while (std::chrono::steady_clock::now() < deadline) {
    now = supervisor_pids(home_);
    if (now.size() == 1 && now[0] != before[0] && via_proxy("shop.localhost").status == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(now.size(), 1u);
  EXPECT_NE(now[0], before[0]);
  EXPECT_EQ(served(), "version 1 release 1\n");
  // The app the dead supervisor left was ended first: one gunicorn master, the new one's.
  auto instance = api("GET", "/apps/shop/ps").json()["instances"][0];
  EXPECT_EQ(instance["status"], "running") << instance.dump();
}

TEST_F(LocalDeployTest, SecretsAreMaskedEverywhere) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  const std::string secret = "s3cr3t-value-42";
  auto set = cli({"config", "set", "shop", "API_KEY=" + secret, "--secret"});
  ASSERT_EQ(set.exit_code, 0) << set.output;
  EXPECT_EQ(set.output.find(secret), std::string::npos);
  auto deployments = wait_for_deployments("shop", 2);
  auto deployment = wait_for_deployment(deployments[0]["id"]);
  ASSERT_EQ(deployment["status"], "success") << deployment.dump();
  EXPECT_EQ(deployment["kind"], "config");

  auto app_log = api("GET", "/apps/shop/logs?process=web").body;
  EXPECT_NE(app_log.find("with API_KEY ****"), std::string::npos) << app_log;
  auto config = api("GET", "/apps/shop/config");
  for (const auto& text : {app_log, config.body, api("GET", "/apps/shop/config/API_KEY").body,
                           deployment_log(deployment["id"]), cli({"config", "list", "shop"}).output}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
  }
  // The steps of the next run get the configuration too (app.py prints it on import), masked in the run's log.
  commit(repo_, {{"VERSION", "2"}}, "version 2");
  ++deployments_;  // the config change made one
  auto next = push_and_deploy();
  EXPECT_EQ(next["status"], "success");
  auto run_id = api("GET", "/runs?project=shop").json()["runs"][0]["id"].get<std::int64_t>();
  auto step = step_log(run_id, 1);
  EXPECT_NE(step.find("with API_KEY ****"), std::string::npos) << step;
  EXPECT_EQ(step.find(secret), std::string::npos) << step;
  // At rest it is sealed, not plain text.
  EXPECT_EQ(read_file(home_ + "/slipway.db").find(secret), std::string::npos);
  EXPECT_EQ(read_file(home_ + "/slipway.db-wal").find(secret), std::string::npos);
  EXPECT_EQ(fs::status(home_ + "/secret.key").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(LocalDeployTest, BadDomainIsRefusedAndTheProxyKeepsServing) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  for (const std::string domain : {"evil.test; include /etc/passwd", "a.test\nserver", "{x}.test", ""}) {
    auto result = api("POST", "/apps/shop/domains", {{"domain", domain}});
    EXPECT_EQ(result.status, 400) << domain << ": " << result.body;
  }
  EXPECT_EQ(served(), "version 1 release 1\n");
  auto own = api("POST", "/apps/shop/domains", {{"domain", "other.localhost"}});
  EXPECT_EQ(own.status, 400) << own.body;
  auto added = api("POST", "/apps/shop/domains", {{"domain", "Shop.Example.test"}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(via_proxy("shop.example.test").body, "version 1 release 1\n");
}

TEST_F(LocalDeployTest, DeploymentEventsCarryTheLogAndTheEnd) {
  auto deployment = push_and_deploy();
  ASSERT_EQ(deployment["status"], "success");
  const std::string target = "/api/v1/deployments/" + std::to_string(deployment["id"].get<int>()) + "/events";
  auto stream = read_event_stream(daemon_.url(), target, {{"Authorization", "Bearer " + admin_token_}}, 10);
  EXPECT_NE(stream.find("event: log"), std::string::npos) << stream;
  EXPECT_NE(stream.find("release 1 is live at"), std::string::npos) << stream;
  EXPECT_NE(stream.find("event: end"), std::string::npos) << stream;
  // Resuming after the whole log sends only the end.
  const auto size = api("GET", "/deployments/" + std::to_string(deployment["id"].get<int>()) + "/log").body.size();
  auto resumed = read_event_stream(daemon_.url(), target,
                                   {{"Authorization", "Bearer " + admin_token_}, {"Last-Event-ID", std::to_string(size)}}, 10);
  EXPECT_EQ(resumed.find("event: log"), std::string::npos) << resumed;
  EXPECT_NE(resumed.find("event: end"), std::string::npos) << resumed;
}

TEST_F(LocalDeployTest, ScaleRunsSeveralInstancesBehindTheProxy) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  auto scaled = cli({"ps", "scale", "shop", "web=3"});
  ASSERT_EQ(scaled.exit_code, 0) << scaled.output;
  auto deployments = wait_for_deployments("shop", 2);
  EXPECT_EQ(deployments[0]["kind"], "scale");
  auto done = wait_for_deployment(deployments[0]["id"]);
  ASSERT_EQ(done["status"], "success") << done.dump(2) << deployment_log(done["id"]);
  auto instances = api("GET", "/apps/shop/ps").json()["instances"];
  ASSERT_EQ(instances.size(), 3u) << instances.dump();
  std::set<int> ports;
  for (const auto& instance : instances) ports.insert(instance["port"].get<int>());
  EXPECT_EQ(ports.size(), 3u);
  EXPECT_EQ(supervisor_pids(home_).size(), 3u);
  EXPECT_EQ(served(), "version 1 release 1\n");
  auto config = read_file(home_ + "/nginx/conf/nginx.conf");
  for (int port : ports) EXPECT_NE(config.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << config;
}

TEST_F(LocalDeployTest, DeployRefRunsThePipelineThenDeploys) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  commit(repo_, {{"VERSION", "2"}}, "version 2 on a side branch");
  ASSERT_EQ(push(repo_, "shop", "feature").exit_code, 0);  // not a deploy branch: runs, deploys nothing
  auto runs = wait_for_runs("shop", 2);
  ASSERT_EQ(wait_for_run(runs[0]["id"].get<std::int64_t>())["status"], "success");
  EXPECT_EQ(api("GET", "/apps/shop/deployments").json()["deployments"].size(), 1u);
  auto deployed = cli({"deploy", "shop", "--ref", "feature", "--wait"});
  EXPECT_EQ(deployed.exit_code, 0) << deployed.output;
  EXPECT_EQ(served(), "version 2 release 2\n");
  auto logs = cli({"app", "logs", "shop", "--process", "web"});
  EXPECT_NE(logs.output.find("starting version 2"), std::string::npos) << logs.output;
}

TEST_F(LocalDeployTest, DeletingTheAppStopsItsProcessesAndUnpublishesIt) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  ASSERT_EQ(supervisor_pids(home_).size(), 1u);
  auto removed = api("DELETE", "/projects/shop");
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_TRUE(supervisor_pids(home_).empty());
  EXPECT_EQ(via_proxy("shop.localhost").status, 404);
  EXPECT_FALSE(fs::exists(home_ + "/releases/shop"));
}

TEST_F(LocalDeployTest, AnEnvironmentWithAnotherTargetIsNeverDeployedLocally) {
  std::string pipeline =
      std::string(kPipeline) + "  fleet:\n    target: kubernetes\n    branch: other\n    manifests: [k8s.yml]\n";
  commit(repo_, {{"slipway.yml", pipeline}}, "a kubernetes environment");
  ASSERT_EQ(push_and_deploy()["status"], "success");
  auto deploy = api("POST", "/apps/shop/deploy", {{"environment", "fleet"}});
  ASSERT_EQ(deploy.status, 201) << deploy.body;
  auto done = wait_for_deployment(deploy.json()["id"]);
  EXPECT_EQ(done["status"], "failed");
  EXPECT_NE(done["reason"].get<std::string>().find("target: kubernetes"), std::string::npos) << done.dump();
  EXPECT_EQ(supervisor_pids(home_).size(), 1u);
  EXPECT_EQ(via_proxy("fleet.shop.localhost").status, 404);
  // `slipway apps` shows the failure instead of "never deployed".
  auto environments = api("GET", "/apps/shop").json()["environments"];
  ASSERT_EQ(environments.size(), 2u) << environments.dump();
  EXPECT_EQ(environments[1]["name"], "fleet");
  EXPECT_EQ(environments[1]["status"], "failed");
}

TEST_F(LocalDeployTest, FailingReleaseCommandAbortsTheDeployment) {
  ASSERT_EQ(push_and_deploy()["status"], "success");
  commit(repo_, {{"VERSION", "2"}, {"Procfile", std::string(kProcfile) + "release: echo migrating release $SLIPWAY_RELEASE; exit 3\n"}},
         "a failing migration");
  auto deployment = push_and_deploy();
  EXPECT_EQ(deployment["status"], "failed");
  EXPECT_EQ(deployment["reason"], "release command failed: exit status 3");
  EXPECT_NE(deployment_log(deployment["id"]).find("migrating release 2"), std::string::npos);
  EXPECT_EQ(served(), "version 1 release 1\n");
  EXPECT_EQ(supervisor_pids(home_).size(), 1u);
}

TEST_F(LocalDeployTest, QueuedDeploymentsAreSupersededByTheNewest) {
  // Each deployment's release command takes a while, so pushes pile up behind the first.
  commit(repo_, {{"Procfile", std::string(kProcfile) + "release: sleep 2\n"}}, "slow release");
  ++pushes_;
  ASSERT_EQ(push(repo_, "shop").exit_code, 0);
  wait_for_deployments("shop", 1);
  for (int version = 2; version <= 3; ++version) {
    commit(repo_, {{"VERSION", std::to_string(version)}}, "version " + std::to_string(version));
    ++pushes_;
    ASSERT_EQ(push(repo_, "shop").exit_code, 0);
    auto runs = wait_for_runs("shop", static_cast<std::size_t>(pushes_));
    ASSERT_EQ(wait_for_run(runs[0]["id"].get<std::int64_t>())["status"], "success");
  }
  auto list = wait_for_deployments("shop", 3);
  auto last = wait_for_deployment(list[0]["id"].get<std::int64_t>());
  EXPECT_EQ(last["status"], "success") << last.dump(2);
  EXPECT_EQ(last["release"], 3);
  list = api("GET", "/apps/shop/deployments").json()["deployments"];
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[1]["status"], "superseded") << list.dump(2);
  EXPECT_EQ(list[2]["status"], "success");
  EXPECT_EQ(served(), "version 3 release 3\n");
}

TEST_F(LocalDeployTest, OldReleasesArePrunedButNeverTheLiveOrPreviousOne) {
  for (int version = 1; version <= 5; ++version) {
    if (version > 1) commit(repo_, {{"VERSION", std::to_string(version)}}, "version " + std::to_string(version));
    ASSERT_EQ(push_and_deploy()["status"], "success");
  }
  auto releases = api("GET", "/apps/shop/releases").json()["releases"];
  ASSERT_EQ(releases.size(), 5u);
  for (const auto& release : releases) {
    EXPECT_EQ(release["pruned"], release["number"].get<int>() <= 2) << release.dump();  // keep: 3
  }
  auto rollback = api("POST", "/apps/shop/rollback", {{"to", 1}});
  EXPECT_EQ(rollback.status, 409);
  EXPECT_NE(rollback.body.find("pruned"), std::string::npos) << rollback.body;
}

// Continuous delivery on this machine: the release is made, then waits for a person.
TEST_F(LocalDeployTest, ManualApprovalWaitsThenDeploys) {
  std::string gated = kPipeline;
  gated += "    approval: manual\n";
  commit(repo_, {{"slipway.yml", gated}}, "production needs an approval");
  auto waiting = push_and_deploy();
  ASSERT_EQ(waiting["status"], "waiting") << waiting.dump(2);
  auto releases = api("GET", "/apps/shop/releases").json()["releases"];
  EXPECT_TRUE(releases[0]["current_in"].empty()) << "nothing is live before the approval: " << releases.dump();
  auto refused = cli({"approve", "shop", "production"}, make_token("viewer", "watcher"));
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  auto approved = cli({"approve", "shop", "production", "--wait"}, make_token("deployer", "lead"));
  ASSERT_EQ(approved.exit_code, 0) << approved.output;
  EXPECT_EQ(served(), "version 1 release 1\n");
  auto done = api("GET", "/deployments/" + std::to_string(waiting["id"].get<std::int64_t>())).json();
  EXPECT_EQ(done["approved_by"], "lead");
  auto again = cli({"approve", "shop", "production"}, make_token("deployer", "lead2"));
  EXPECT_NE(again.output.find("nothing is waiting for approval"), std::string::npos) << again.output;

  // A config change while release 2 waits redeploys what is live, never the waiting release.
  commit(repo_, {{"VERSION", "2"}}, "version 2");
  auto second = push_and_deploy();
  ASSERT_EQ(second["status"], "waiting") << second.dump(2);
  auto config = cli({"config", "set", "shop", "GREETING=hi"});
  ASSERT_EQ(config.exit_code, 0) << config.output;
  auto deployments = wait_for_deployments("shop", 3);
  auto redeployed = wait_for_deployment(deployments[0]["id"].get<std::int64_t>());
  EXPECT_EQ(redeployed["kind"], "config");
  EXPECT_EQ(redeployed["status"], "success") << redeployed.dump(2);
  EXPECT_EQ(served(), "version 1 release 3\n") << "release 3: the code of release 1 with config version 1";
  EXPECT_EQ(api("GET", "/deployments/" + std::to_string(second["id"].get<std::int64_t>())).json()["status"],
            "superseded");
}

}  // namespace
}  // namespace slipway::testing
