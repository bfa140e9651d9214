// Deploys over ssh to a fleet, end to end: three hosts, each a network
// namespace with its own address, its own sshd and its own tree at the deploy
// path; the real daemon copies releases with rsync, switches them host by
// host, runs the app under its own supervisor there and checks its health
// from outside. Failures roll the switched hosts back; approval gates delivery
// from deployment; host keys are pinned.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "daemon_fixture.h"
#include "ssh_hosts.h"

namespace slipway::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Fails its health check while shared/flags/BROKEN on its host holds its own VERSION,
// so that one host can be made to refuse one release only.
constexpr const char* kApp = R"py(import os

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = open(os.path.join(HERE, "VERSION")).read().strip()


def broken():
    try:
        return open(os.path.join(HERE, "flags", "BROKEN")).read().strip() == VERSION
    except OSError:
        return False


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/healthz":
        bad = broken()
        start_response("500 Internal Server Error" if bad else "200 OK", [("Content-Type", "text/plain")])
        return [b"broken\n" if bad else b"ok\n"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("version %s release %s\n" % (VERSION, os.environ.get("SLIPWAY_RELEASE", "?"))).encode()]
)py";

constexpr const char* kProcfile =
    "web: exec gunicorn --bind ${HOST:-127.0.0.1}:$PORT --workers 1 --graceful-timeout 2 app:app\n";

constexpr int kAppPort = 8000;

std::string random_bytes(std::size_t size) {
  std::mt19937_64 generator(42);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(generator() & 0xff);
  return out;
}

// Every regular file under DIR with a hash of its content; what the app writes while it runs
// (Python's __pycache__) and the links to shared/ are not part of the release.
std::map<std::string, std::size_t> tree_of(const fs::path& dir) {
  std::map<std::string, std::size_t> files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    if (it->path().filename() == "__pycache__") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink() || !it->is_regular_file()) continue;
    files[fs::relative(it->path(), dir).string()] = std::hash<std::string>{}(read_file(it->path().string()));
  }
  return files;
}

class SshDeployTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    auto hosts = SshHosts::create(3, root_ + "/hosts");
    ASSERT_TRUE(hosts) << hosts.error();
    hosts_ = std::move(*hosts);
    start_daemon();
    create_project("shop");
    auto key = api("GET", "/apps/shop/ssh-key");
    ASSERT_EQ(key.status, 200) << key.body;
    hosts_->authorize(key.json()["public_key"].get<std::string>());
  }

  void TearDown() override {
    SlipwayTest::TearDown();
    hosts_.reset();  // stops every sshd and whatever runs in the hosts
  }

  std::string address(int i) const { return hosts_->hosts()[static_cast<std::size_t>(i)].address; }
  std::string host(int i) const { return "root@" + address(i); }
  // The deploy tree of host I, seen from here.
  fs::path tree(int i, const std::string& name = "app") const {
    return fs::path(hosts_->hosts()[static_cast<std::size_t>(i)].root) / name;
  }
  std::string path(const std::string& name = "app") const { return hosts_->mount_point() + "/" + name; }

  std::string production(const std::string& extra = "") const {
    return "deploy:\n"
           "  production:\n"
           "    target: ssh\n"
           "    hosts: [" + host(0) + ", " + host(1) + ", " + host(2) + "]\n"
           "    path: " + path() + "\n"
           "    port: 8000\n"
           "    shared: [flags/]\n"
           "    health: {url: 'http://{host}:{port}/healthz', timeout: 8s}\n"
           "    keep: 3\n"
           "    drain: 1s\n" + extra;
  }

  std::string pipeline(const std::string& deploy) const {
    return "steps:\n  test:\n    run: python3 -c 'import app'\n" + deploy;
  }

  void make_app(const std::string& deploy) {
    repo_ = make_repo("shop", {{"app.py", kApp},
                               {"Procfile", kProcfile},
                               {"slipway.yml", pipeline(deploy)},
                               {"VERSION", "1"},
                               {"data.bin", random_bytes(1 << 20)}});
  }

  // Pushes and waits for the run, then for COUNT more deployments; returns the newest, ended.
  nlohmann::json push_and_deploy(int count = 1) {
    ++pushes_;
    auto pushed = push(repo_, "shop");
    EXPECT_EQ(pushed.exit_code, 0) << pushed.output;
    auto runs = wait_for_runs("shop", static_cast<std::size_t>(pushes_));
    auto run = wait_for_run(runs[0]["id"].get<std::int64_t>());
    EXPECT_EQ(run["status"], "success") << run.dump(2);
    deployments_ += count;
    auto deployments = wait_for_deployments("shop", static_cast<std::size_t>(deployments_));
    return wait_for_deployment(deployments[0]["id"].get<std::int64_t>(), 120s);
  }

  void new_version(const std::string& version) { commit(repo_, {{"VERSION", version}}, "version " + version); }

  std::string served(int i) {
    try {
      return http_request("GET", "http://" + address(i) + ":" + std::to_string(kAppPort), "/").body;
    } catch (const std::exception& e) {
      return std::string("error: ") + e.what();
    }
  }

  std::string log_of(const nlohmann::json& deployment) {
    return api("GET", "/deployments/" + std::to_string(deployment["id"].get<std::int64_t>()) + "/log").body;
  }

  std::map<std::string, nlohmann::json> host_results(const nlohmann::json& deployment) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& h : deployment["hosts"]) out[h["host"].get<std::string>()] = h;
    return out;
  }

  std::unique_ptr<SshHosts> hosts_;
  std::string repo_;
  int pushes_ = 0;
  int deployments_ = 0;
};

TEST_F(SshDeployTest, FirstDeployReachesEveryHostAndTheSecondSendsOnlyWhatChanged) {
  make_app(production());
  auto first = push_and_deploy();
  ASSERT_EQ(first["status"], "success") << first.dump(2) << log_of(first);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(served(i), "version 1 release 1\n") << "host " << i;
    const auto link = fs::read_symlink(tree(i) / "current").string();
    EXPECT_EQ(link.rfind("releases/1-", 0), 0u) << link;
    EXPECT_TRUE(fs::is_symlink(tree(i) / "current" / "flags")) << "shared dirs are links into shared/";
  }
  auto hosts = host_results(first);
  ASSERT_EQ(hosts.size(), 3u) << first.dump(2);
  for (const auto& [name, result] : hosts) {
    EXPECT_EQ(result["status"], "healthy") << name;
    EXPECT_GT(result["bytes_sent"].get<long long>(), 1 << 20) << name << ": the first copy sends everything";
  }
  // Host keys were pinned on first use.
  auto keys = cli({"ssh-key", "show", "shop", "--known-hosts"});
  EXPECT_EQ(keys.exit_code, 0) << keys.output;
  EXPECT_NE(keys.output.find("ssh-ed25519"), std::string::npos) << keys.output;
  EXPECT_NE(keys.output.find(address(2)), std::string::npos) << keys.output;

  new_version("2");
  auto second = push_and_deploy();
  ASSERT_EQ(second["status"], "success") << second.dump(2) << log_of(second);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(served(i), "version 2 release 2\n") << "host " << i;
  for (const auto& [name, result] : host_results(second)) {
    EXPECT_LT(result["bytes_sent"].get<long long>(), 64 * 1024) << name << ": only VERSION changed";
  }
  // Unchanged files are hard links to the previous release on each host.
  for (int i = 0; i < 3; ++i) {
    struct stat one {}, two {};
    ASSERT_EQ(::stat((tree(i) / "releases").c_str(), &one), 0);
    std::vector<fs::path> releases;
    for (const auto& entry : fs::directory_iterator(tree(i) / "releases")) releases.push_back(entry.path());
    std::sort(releases.begin(), releases.end());
    ASSERT_EQ(releases.size(), 2u);
    ASSERT_EQ(::stat((releases[0] / "data.bin").c_str(), &one), 0);
    ASSERT_EQ(::stat((releases[1] / "data.bin").c_str(), &two), 0);
    EXPECT_EQ(one.st_ino, two.st_ino) << "host " << i;
  }
  auto releases = cli({"releases", "shop", "--env", "production"});
  EXPECT_EQ(releases.exit_code, 0) << releases.output;
  EXPECT_NE(releases.output.find(host(0) + " (live)"), std::string::npos) << releases.output;
  auto shown = cli({"deployment", "show", std::to_string(second["id"].get<std::int64_t>())});
  EXPECT_NE(shown.output.find("healthy"), std::string::npos) << shown.output;
}

TEST_F(SshDeployTest, AHostFailingItsHealthCheckSwitchesTheOthersBack) {
  make_app(production());
  ASSERT_EQ(push_and_deploy()["status"], "success");
  // The third host refuses release 2 only.
  fs::create_directories(tree(2) / "shared" / "flags");
  std::ofstream(tree(2) / "shared" / "flags" / "BROKEN") << "2\n";
  new_version("2");
  auto failed = push_and_deploy();
  ASSERT_EQ(failed["status"], "failed") << failed.dump(2) << log_of(failed);
  EXPECT_NE(failed["reason"].get<std::string>().find(host(2)), std::string::npos) << failed["reason"];
  for (int i = 0; i < 3; ++i) EXPECT_EQ(served(i), "version 1 release 1\n") << "host " << i << log_of(failed);
  auto hosts = host_results(failed);
  EXPECT_EQ(hosts[host(0)]["status"], "rolled_back") << failed.dump(2);
  EXPECT_EQ(hosts[host(1)]["status"], "rolled_back") << failed.dump(2);
  EXPECT_EQ(hosts[host(2)]["status"], "rolled_back") << failed.dump(2);
  // The host's own nginx never switched to it: the release failed its check on the host first.
  EXPECT_NE(hosts[host(2)]["detail"].get<std::string>().find("HTTP 500 from /healthz"), std::string::npos)
      << hosts[host(2)].dump();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(fs::read_symlink(tree(i) / "current").filename().string().substr(0, 2), "1-") << "host " << i;
  }
  auto live = api("GET", "/apps/shop/releases?environment=production").json()["releases"];
  EXPECT_EQ(live[1]["current_in"], nlohmann::json::array({"production"})) << live.dump(2);
}

TEST_F(SshDeployTest, AnUnreachableHostFailsTheDeployBeforeAnythingIsSwitched) {
  make_app(production());
  ASSERT_EQ(push_and_deploy()["status"], "success");
  hosts_->stop_sshd(1);
  new_version("2");
  auto failed = push_and_deploy();
  ASSERT_EQ(failed["status"], "failed") << failed.dump(2);
  EXPECT_NE(failed["reason"].get<std::string>().find("nothing was switched"), std::string::npos) << failed["reason"];
  EXPECT_NE(failed["reason"].get<std::string>().find(host(1)), std::string::npos) << failed["reason"];
  EXPECT_EQ(host_results(failed)[host(1)]["status"], "unreachable") << failed.dump(2);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(served(i), "version 1 release 1\n") << "host " << i;
    const auto copies = std::distance(fs::directory_iterator(tree(i) / "releases"), fs::directory_iterator());
    EXPECT_EQ(copies, 1) << "nothing copied to host " << i;
  }
}

TEST_F(SshDeployTest, AChangedHostKeyIsRefusedUntilForgotten) {
  make_app(production());
  ASSERT_EQ(push_and_deploy()["status"], "success");
  hosts_->change_host_key(0);
  new_version("2");
  auto refused = push_and_deploy();
  ASSERT_EQ(refused["status"], "failed") << refused.dump(2);
  EXPECT_NE(refused["reason"].get<std::string>().find("host key has CHANGED"), std::string::npos) << refused["reason"];
  for (int i = 0; i < 3; ++i) EXPECT_EQ(served(i), "version 1 release 1\n") << "host " << i;

  auto forget = cli({"ssh-key", "forget", "shop", address(0)});
  ASSERT_EQ(forget.exit_code, 0) << forget.output;
  auto deploy = cli({"deploy", "shop", "--env", "production", "--wait"});
  EXPECT_EQ(deploy.exit_code, 0) << deploy.output;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(served(i), "version 2 release 2\n") << "host " << i;
}

TEST_F(SshDeployTest, ApprovalDeliversThenPromotesExactlyWhatStagingRuns) {
  const std::string deploy = "deploy:\n"
                             "  staging:\n"
                             "    target: ssh\n"
                             "    hosts: [" + host(0) + "]\n"
                             "    path: " + path("staging") + "\n"
                             "    port: 8000\n"
                             "    drain: 1s\n"
                             "    health: {url: 'http://{host}:{port}/healthz', timeout: 8s}\n"
                             "  production:\n"
                             "    target: ssh\n"
                             "    hosts: [" + host(1) + ", " + host(2) + "]\n"
                             "    path: " + path() + "\n"
                             "    port: 8000\n"
                             "    after: staging\n"
                             "    approval: manual\n"
                             "    drain: 1s\n"
                             "    health: {url: 'http://{host}:{port}/healthz', timeout: 8s}\n";
  make_app(deploy);
  auto waiting = push_and_deploy(2);  // staging, then production's, which waits
  ASSERT_EQ(waiting["status"], "waiting") << waiting.dump(2) << log_of(waiting);
  EXPECT_EQ(waiting["environment"], "production");
  EXPECT_EQ(waiting["trigger"], "promotion");
  EXPECT_EQ(served(0), "version 1 release 1\n");
  // Delivered, not deployed: the release is on both production hosts, nothing switched or started.
  for (int i = 1; i < 3; ++i) {
    EXPECT_TRUE(fs::exists(tree(i) / "releases")) << "host " << i;
    EXPECT_FALSE(fs::exists(tree(i) / "current")) << "host " << i;
    EXPECT_EQ(served(i).rfind("error", 0), 0u) << "host " << i;
  }
  // A viewer may look but not approve.
  const std::string viewer = make_token("viewer", "watcher");
  EXPECT_EQ(api("POST", "/apps/shop/approve", {{"environment", "production"}}, viewer).status, 403);
  const std::string deployer = make_token("deployer", "release-manager");
  auto approved = cli({"approve", "shop", "production", "--wait"}, deployer);
  ASSERT_EQ(approved.exit_code, 0) << approved.output;
  auto done = api("GET", "/deployments/" + std::to_string(waiting["id"].get<std::int64_t>())).json();
  EXPECT_EQ(done["status"], "success") << done.dump(2);
  EXPECT_EQ(done["approved_by"], "release-manager");
  EXPECT_EQ(done["release"], 1) << "the release staging runs, not a rebuild";
  for (int i = 1; i < 3; ++i) EXPECT_EQ(served(i), "version 1 release 1\n") << "host " << i;
  // Byte for byte the tree staging runs.
  auto staging = tree_of(fs::canonical(tree(0, "staging") / "current"));
  for (int i = 1; i < 3; ++i) EXPECT_EQ(tree_of(fs::canonical(tree(i) / "current")), staging) << "host " << i;

  // A rejected one ends as cancelled and leaves production alone.
  new_version("2");
  auto second = push_and_deploy(2);
  ASSERT_EQ(second["status"], "waiting") << second.dump(2);
  auto rejected = cli({"reject", "shop", "production", "--reason", "not on a Friday"}, deployer);
  ASSERT_EQ(rejected.exit_code, 0) << rejected.output;
  auto ended = api("GET", "/deployments/" + std::to_string(second["id"].get<std::int64_t>())).json();
  EXPECT_EQ(ended["status"], "cancelled");
  EXPECT_EQ(ended["reason"], "rejected by release-manager: not on a Friday");
  for (int i = 1; i < 3; ++i) EXPECT_EQ(served(i), "version 1 release 1\n") << "host " << i;
  EXPECT_EQ(served(0), "version 2 release 2\n");
}

TEST_F(SshDeployTest, RollbackSwitchesEveryHostBack) {
  make_app(production());
  ASSERT_EQ(push_and_deploy()["status"], "success");
  new_version("2");
  ASSERT_EQ(push_and_deploy()["status"], "success");
  auto rollback = cli({"rollback", "shop", "--env", "production", "--wait"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.output;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(served(i), "version 1 release 1\n") << "host " << i;
  auto deployments = api("GET", "/apps/shop/deployments").json()["deployments"];
  EXPECT_EQ(deployments[0]["kind"], "rollback");
  for (const auto& h : deployments[0]["hosts"]) {
    EXPECT_EQ(h["status"], "healthy") << h.dump();
    EXPECT_EQ(h["bytes_sent"], 0) << "the release was still on " << h["host"];
  }
}

// Also the way without a proxy on the hosts: the old processes stop, the new ones take the port.
TEST_F(SshDeployTest, RacingPushesDeployOneAtATimeAndTheNewestWins) {
  make_app(production("    proxy: none\n"));
  ASSERT_EQ(push_and_deploy()["status"], "success");
  new_version("2");
  ASSERT_EQ(push(repo_, "shop").exit_code, 0);
  new_version("3");
  ASSERT_EQ(push(repo_, "shop").exit_code, 0);
  pushes_ += 2;
  auto runs = wait_for_runs("shop", 3);
  for (const auto& run : runs) wait_for_run(run["id"].get<std::int64_t>());
  // Release 3 is the newest: wait until it is live on every host.
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  nlohmann::json deployments;
  for (;;) {
    deployments = api("GET", "/apps/shop/deployments").json()["deployments"];
    bool settled = deployments.size() >= 3;
    for (const auto& d : deployments) settled = settled && d["status"] != "queued" && d["status"] != "running";
    if (settled || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(200ms);
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(served(i), "version 3 release 3\n") << "host " << i;
  // Never two at once.
  std::vector<std::pair<std::string, std::string>> spans;
  for (const auto& d : deployments) {
    if (d["started_at"].is_null()) {
      EXPECT_EQ(d["status"], "superseded") << d.dump();
      continue;
    }
    spans.emplace_back(d["started_at"].get<std::string>(), d["finished_at"].get<std::string>());
  }
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 1; i < spans.size(); ++i) EXPECT_LE(spans[i - 1].second, spans[i].first) << i;
}

// The systemd-style setup: the host restarts the app itself (`restart:`), a command on the host
// says whether it is healthy, and the Procfile's release command runs once, on `release_host`.
TEST_F(SshDeployTest, ARestartCommandAndTheReleaseCommandRunOnTheHosts) {
  const std::string deploy = "deploy:\n"
                             "  production:\n"
                             "    target: ssh\n"
                             "    hosts: [" + host(0) + ", " + host(1) + "]\n"
                             "    path: " + path() + "\n"
                             "    release_host: " + host(1) + "\n"
                             "    restart: echo \"restarted $SLIPWAY_RELEASE in $(pwd -P)\" >> ../restarts.log\n"
                             "    health: {command: 'grep -q \"restarted $SLIPWAY_RELEASE\" ../restarts.log', timeout: 8s}\n";
  repo_ = make_repo("shop", {{"app.py", kApp},
                             {"Procfile", std::string(kProcfile) + "release: echo \"migrated for $SLIPWAY_RELEASE\" >> ../../migrations.log\n"},
                             {"slipway.yml", pipeline(deploy)},
                             {"VERSION", "1"}});
  auto first = push_and_deploy();
  ASSERT_EQ(first["status"], "success") << first.dump(2) << log_of(first);
  for (int i = 0; i < 2; ++i) {
    const auto restarts = read_file((tree(i) / "releases" / "restarts.log").string());  // `..` of the physical release dir
    EXPECT_EQ(restarts.rfind("restarted 1 in " + path() + "/releases/1-", 0), 0u) << "host " << i << ": " << restarts;
  }
  EXPECT_FALSE(fs::exists(tree(0) / "migrations.log")) << "the release command runs on release_host only";
  EXPECT_EQ(read_file((tree(1) / "migrations.log").string()), "migrated for 1\n");
  // No copy of slipway is needed when the host restarts the app itself.
  EXPECT_FALSE(fs::exists(tree(0) / ".slipway" / "bin" / "slipway"));
  // The environment file with the app's config is for the owner only.
  struct stat info {};
  ASSERT_EQ(::stat((tree(0) / ".slipway" / "releases").c_str(), &info), 0);
  for (const auto& entry : fs::directory_iterator(tree(0) / ".slipway" / "releases")) {
    ASSERT_EQ(::stat(entry.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 077, 0u) << entry.path();
  }
}

// With nginx on the hosts, each host switches without refusing a request.
TEST_F(SshDeployTest, NoRequestFailsOnAnyHostDuringADeploy) {
  make_app(production());
  ASSERT_EQ(push_and_deploy()["status"], "success");
  std::atomic<bool> stop{false};
  std::atomic<int> requests{0};
  std::atomic<int> failures{0};
  std::string last_failure;
  std::mutex failure_mutex;
  std::vector<std::thread> load;
  for (int i = 0; i < 3; ++i) {
    load.emplace_back([&, i] {
      const auto deadline = std::chrono::steady_clock::now() + 90s;
      for (int n = 0; n < 20000 && !stop && std::chrono::steady_clock::now() < deadline; ++n) {
        const std::string body = served(i);
        ++requests;
        if (body.rfind("version ", 0) != 0) {
          ++failures;
          std::lock_guard lock(failure_mutex);
          last_failure = body;
        }
      }
    });
  }
  new_version("2");
  auto second = push_and_deploy();
  stop = true;
  for (auto& thread : load) thread.join();
  ASSERT_EQ(second["status"], "success") << second.dump(2) << log_of(second);
  EXPECT_GT(requests, 30);
  EXPECT_EQ(failures, 0) << requests << " requests, last failure: " << last_failure;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(served(i), "version 2 release 2\n") << "host " << i;
  // The copy of slipway on the host reports its instances (run here on the host's tree).
  auto status = run_command({(tree(0) / ".slipway" / "bin" / "slipway").string(), "host", "status", tree(0).string()});
  EXPECT_NE(status.output.find("web.1 running"), std::string::npos) << status.output;
}

}  // namespace
}  // namespace slipway::testing
