// The container targets end to end, on the real Docker engine and registry
// that scripts/test-services.sh started: a Dockerfile app built, tagged with
// its commit, pushed and served behind nginx; a second push under load; a
// failing HEALTHCHECK; rollback; a kill -9 of the daemon in the middle of a
// deployment; a compose stack updated and rolled back; apps without a
// Dockerfile (the Flask and static examples) built from detection.
#include <crypt.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "docker_fixture.h"
#include "load_generator.h"
#include "ssh_hosts.h"
#include "util/captured_command.h"
#include "util/child_process.h"
#include "util/crypto.h"

namespace slipway::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// busybox's httpd serving index.html: an image built in well under a second.
std::string site_dockerfile(const std::string& extra = "") {
  return "FROM slipway/busybox:1\n"
         "COPY index.html /www/index.html\n" +
         extra + "CMD [\"httpd\", \"-f\", \"-p\", \"8000\", \"-h\", \"/www\"]\n";
}

std::string pipeline(const std::string& deploy) {
  return "steps:\n"
         "  test:\n"
         "    run: grep -q version index.html\n"
         "deploy:\n"
         "  production:\n" +
         deploy;
}

class DockerDeployTest : public DockerTest {
 protected:
  // Pushes REPO to APP and waits for the deployment it makes: the push is APP's COUNT-th run and
  // makes its DEPLOYMENTS-th deployment (COUNT when 0).
  nlohmann::json push_and_deploy(const std::string& repo, const std::string& app, std::size_t count,
                                 std::size_t deployments_count = 0) {
    auto pushed = push(repo, app);
    EXPECT_EQ(pushed.exit_code, 0) << pushed.output;
    auto runs = wait_for_runs(app, count);
    auto run = wait_for_run(runs[0]["id"].get<std::int64_t>(), 120s);
    EXPECT_EQ(run["status"], "success") << run.dump(2) << step_log(run["id"].get<std::int64_t>(), 1);
    auto deployments = wait_for_deployments(app, deployments_count ? deployments_count : count, 120s);
    return wait_for_deployment(deployments[0]["id"].get<std::int64_t>(), 150s);
  }

  std::string deployment_log(const nlohmann::json& deployment) {
    return api("GET", "/deployments/" + std::to_string(deployment["id"].get<int>()) + "/log").body;
  }

  std::string head_commit(const std::string& repo) {
    auto rev = git(repo, {"rev-parse", "HEAD"});
    return rev.output.substr(0, 40);
  }

};

TEST_F(DockerDeployTest, DockerfileAppIsPushedToTheRegistryAndServedBehindNginx) {
  const auto registry = test_registry();
  if (registry.empty() && docker_required()) FAIL() << "SLIPWAY_TEST_REGISTRY is not set";
  create_project("boxsite");
  const std::string settings = "    target: docker\n    port: 8000\n    drain: 500ms\n" +
                               (registry.empty() ? "" : "    registry: " + registry + "\n") +
                               "    health: {path: /index.html, timeout: 20s}\n";
  auto repo = make_repo("boxsite", {{"Dockerfile", site_dockerfile()},
                                    {"index.html", "version 1\n"},
                                    {"slipway.yml", pipeline(settings)}});
  auto deployment = push_and_deploy(repo, "boxsite", 1);
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2) << deployment_log(deployment);
  EXPECT_EQ(via_proxy("boxsite.localhost", "/index.html").body, "version 1\n");

  // The image carries the commit and the release number; the registry has both tags.
  const auto sha7 = head_commit(repo).substr(0, 7);
  const std::string repository = (registry.empty() ? "" : registry + "/") + "boxsite";
  EXPECT_NE(docker_output({"image", "inspect", repository + ":" + sha7}), "");
  EXPECT_NE(docker_output({"image", "inspect", repository + ":1"}), "");
  if (!registry.empty()) {
    auto tags = http_request("GET", "http://" + registry, "/v2/boxsite/tags/list").json()["tags"];
    EXPECT_NE(std::find(tags.begin(), tags.end(), sha7), tags.end()) << tags.dump();
    EXPECT_NE(std::find(tags.begin(), tags.end(), "1"), tags.end()) << tags.dump();
    EXPECT_NE(deployment_log(deployment).find("pushed " + repository + ":" + sha7), std::string::npos);
  }
  // One container, labelled, published on loopback only.
  auto containers = our_containers();
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(docker_output({"inspect", "--format", "{{index .Config.Labels \"slipway.release\"}}", containers[0]}), "1\n");
  EXPECT_NE(docker_output({"port", containers[0], "8000/tcp"}).find("127.0.0.1:"), std::string::npos);
  auto ps = api("GET", "/apps/boxsite/ps").json()["instances"];
  ASSERT_EQ(ps.size(), 1u) << ps.dump();

  // The second push under load: not one failed request, and only the new container is left.
  LoadGenerator load([this] { return via_proxy("boxsite.localhost", "/index.html"); });
  commit(repo, {{"index.html", "version 2\n"}}, "version 2");
  auto second = push_and_deploy(repo, "boxsite", 2);
  std::this_thread::sleep_for(300ms);
  load.finish();
  ASSERT_EQ(second["status"], "success") << second.dump(2) << deployment_log(second);
  EXPECT_EQ(load.failures(), 0) << load.last_failure();
  EXPECT_GT(load.requests(), 20);
  EXPECT_EQ(load.last_body(), "version 2\n");
  containers = our_containers();
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(docker_output({"inspect", "--format", "{{index .Config.Labels \"slipway.release\"}}", containers[0]}), "2\n");

  // Rollback runs the previous image again: nothing is built.
  auto rollback = cli({"rollback", "boxsite", "--wait"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.output;
  EXPECT_EQ(via_proxy("boxsite.localhost", "/index.html").body, "version 1\n");
  auto deployments = api("GET", "/apps/boxsite/deployments").json()["deployments"];
  auto log = deployment_log(deployments[0]);
  EXPECT_NE(log.find(":1 exists: not rebuilt"), std::string::npos) << log;
  EXPECT_EQ(log.find("Successfully built"), std::string::npos) << log;
  EXPECT_EQ(our_containers().size(), 1u);
}

TEST_F(DockerDeployTest, FailingHealthcheckKeepsTheOldContainerServing) {
  create_project("sickbox");
  const std::string settings = "    target: docker\n    port: 8000\n    drain: 200ms\n    health: {timeout: 30s}\n";
  auto repo = make_repo("sickbox", {{"Dockerfile", site_dockerfile()},
                                    {"index.html", "version 1\n"},
                                    {"slipway.yml", pipeline(settings)}});
  ASSERT_EQ(push_and_deploy(repo, "sickbox", 1)["status"], "success");
  const auto before = our_containers();
  ASSERT_EQ(before.size(), 1u);

  // The image's own HEALTHCHECK decides (no health.path): it never passes.
  commit(repo,
         {{"Dockerfile", site_dockerfile("HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD [\"false\"]\n")},
          {"index.html", "version 2\n"}},
         "version 2 fails its health check");
  LoadGenerator load([this] { return via_proxy("sickbox.localhost", "/index.html"); });
  auto failed = push_and_deploy(repo, "sickbox", 2);
  load.finish();
  EXPECT_EQ(failed["status"], "failed") << failed.dump(2);
  EXPECT_NE(failed["reason"].get<std::string>().find("health check failed"), std::string::npos) << failed.dump(2);
  EXPECT_NE(failed["reason"].get<std::string>().find("unhealthy"), std::string::npos) << failed.dump(2);
  EXPECT_EQ(load.failures(), 0) << load.last_failure();
  EXPECT_EQ(via_proxy("sickbox.localhost", "/index.html").body, "version 1\n");
  EXPECT_EQ(our_containers(), before);  // the new container is gone, the old one untouched

  // Deleting the app removes its container and its images.
  auto removed = api("DELETE", "/projects/sickbox");
  ASSERT_EQ(removed.status, 204) << removed.body;
  EXPECT_TRUE(our_containers().empty());
  EXPECT_EQ(docker_output({"image", "ls", "--quiet", "--filter", "label=" + home_label()}), "");
}

TEST_F(DockerDeployTest, DaemonKilledMidDeployLeavesNoStrayContainer) {
  create_project("slowbox");
  const std::string settings = "    target: docker\n    port: 8000\n    health: {path: /index.html, timeout: 60s}\n";
  auto repo = make_repo("slowbox", {{"Dockerfile", site_dockerfile()},
                                    {"index.html", "version 1\n"},
                                    {"slipway.yml", pipeline(settings)}});
  ASSERT_EQ(push_and_deploy(repo, "slowbox", 1)["status"], "success");
  const auto before = our_containers();
  ASSERT_EQ(before.size(), 1u);

  // Version 2 takes a minute to answer: the daemon dies while it waits for it.
  commit(repo,
         {{"Dockerfile",
           "FROM slipway/busybox:1\nCOPY index.html /www/index.html\n"
           "CMD [\"sh\", \"-c\", \"sleep 60; exec httpd -f -p 8000 -h /www\"]\n"},
          {"index.html", "version 2\n"}},
         "version 2 starts slowly");
  ASSERT_EQ(push(repo, "slowbox").exit_code, 0);
  auto deployments = wait_for_deployments("slowbox", 2, 60s);
  const auto id = deployments[0]["id"].get<std::int64_t>();
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (deployment_log(deployments[0]).find("waiting for") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(our_containers().size(), 2u) << deployment_log(deployments[0]);
  daemon_.kill9();
  start_daemon();

  auto interrupted = api("GET", "/deployments/" + std::to_string(id)).json();
  EXPECT_EQ(interrupted["status"], "interrupted") << interrupted.dump(2);
  EXPECT_EQ(our_containers(), before);  // the half-started container was removed at start
  EXPECT_EQ(via_proxy("slowbox.localhost", "/index.html").body, "version 1\n");
  auto ps = api("GET", "/apps/slowbox/ps").json()["instances"];
  ASSERT_EQ(ps.size(), 1u) << ps.dump();
  EXPECT_EQ(ps[0]["release"], 1);
}

TEST_F(DockerDeployTest, ComposeStackIsUpdatedAndRolledBack) {
  create_project("stack");
  compose_projects_.push_back("stack-production");
  const std::string compose =
      "version: \"3\"\n"
      "services:\n"
      "  web:\n"
      "    image: ${SLIPWAY_IMAGE}\n"
      "    depends_on: [cache]\n"
      "  cache:\n"
      "    image: slipway/busybox:1\n"
      "    command: [\"sleep\", \"3600\"]\n";
  const std::string settings = "    target: compose\n    port: 8000\n    health: {path: /index.html, timeout: 20s}\n";
  // Compose stops the old container before it starts the new one: an httpd that ends on SIGTERM
  // (as PID 1 it would ignore it, and compose would wait 10 s).
  const std::string dockerfile =
      "FROM slipway/busybox:1\nCOPY index.html /www/index.html\n"
      "CMD [\"sh\", \"-c\", \"trap 'exit 0' TERM; httpd -f -p 8000 -h /www & wait\"]\n";
  auto repo = make_repo("stack", {{"Dockerfile", dockerfile},
                                  {"docker-compose.yml", compose},
                                  {"index.html", "version 1\n"},
                                  {"slipway.yml", pipeline(settings)}});
  ASSERT_EQ(cli({"config", "set", "stack", "API_KEY=hush", "--secret"}).exit_code, 0);
  auto first = push_and_deploy(repo, "stack", 1);
  ASSERT_EQ(first["status"], "success") << first.dump(2) << deployment_log(first);
  EXPECT_EQ(via_proxy("stack.localhost", "/index.html").body, "version 1\n");
  auto stack = containers_labelled("com.docker.compose.project=stack-production");
  EXPECT_EQ(stack.size(), 2u);  // web and its sidecar
  // The rendered file is kept per release and holds no secret; the env file is 0600.
  const auto dir = home_ + "/apps/stack/production/compose";
  auto rendered = read_file(dir + "/release-1.yml");
  EXPECT_NE(rendered.find("stack:1"), std::string::npos) << rendered;
  EXPECT_EQ(rendered.find("hush"), std::string::npos) << rendered;
  EXPECT_EQ(fs::status(dir + "/release-1.env").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  auto web = our_containers("slipway.release=1");
  ASSERT_EQ(web.size(), 1u);
  EXPECT_NE(docker_output({"exec", web[0], "env"}).find("API_KEY=hush"), std::string::npos);

  commit(repo, {{"index.html", "version 2\n"}}, "version 2");
  auto second = push_and_deploy(repo, "stack", 2);
  ASSERT_EQ(second["status"], "success") << second.dump(2) << deployment_log(second);
  EXPECT_EQ(via_proxy("stack.localhost", "/index.html").body, "version 2\n");
  EXPECT_EQ(containers_labelled("com.docker.compose.project=stack-production").size(), 2u);

  auto rollback = cli({"rollback", "stack", "--wait"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.output;
  EXPECT_EQ(via_proxy("stack.localhost", "/index.html").body, "version 1\n");
  EXPECT_EQ(our_containers("slipway.release=1").size(), 1u);
  EXPECT_TRUE(our_containers("slipway.release=2").empty());

  // A release that never gets healthy (no index.html): the stack of the release before comes back.
  commit(repo, {{"Dockerfile", "FROM slipway/busybox:1\n"
                               "CMD [\"sh\", \"-c\", \"trap 'exit 0' TERM; httpd -f -p 8000 -h /tmp & wait\"]\n"}},
         "version 3 serves nothing");
  auto failed = push_and_deploy(repo, "stack", 3, 4);
  EXPECT_EQ(failed["status"], "failed") << failed.dump(2);
  EXPECT_NE(deployment_log(failed).find("applying release 1's compose file again"), std::string::npos)
      << deployment_log(failed);
  EXPECT_EQ(via_proxy("stack.localhost", "/index.html").body, "version 1\n");
  EXPECT_EQ(our_containers("slipway.release=1").size(), 1u);
  EXPECT_TRUE(our_containers("slipway.release=4").empty());
  EXPECT_EQ(containers_labelled("com.docker.compose.project=stack-production").size(), 2u);
}

TEST_F(DockerDeployTest, AComposeStackThatNeverServedIsTakenDown) {
  create_project("nostack");
  compose_projects_.push_back("nostack-production");
  const std::string compose = "services:\n  web:\n    image: ${SLIPWAY_IMAGE}\n  cache:\n    image: slipway/busybox:1\n"
                              "    command: [\"sleep\", \"3600\"]\n";
  auto repo = make_repo("nostack", {{"Dockerfile", site_dockerfile()},
                                    {"docker-compose.yml", "version: \"3\"\n" + compose},
                                    {"index.html", "version 1\n"},
                                    {"slipway.yml", pipeline("    target: compose\n    port: 8000\n"
                                                             "    health: {path: /missing, timeout: 5s}\n")}});
  auto failed = push_and_deploy(repo, "nostack", 1);
  EXPECT_EQ(failed["status"], "failed") << failed.dump(2);
  EXPECT_NE(deployment_log(failed).find("taking it down"), std::string::npos) << deployment_log(failed);
  EXPECT_TRUE(containers_labelled("com.docker.compose.project=nostack-production").empty());
  EXPECT_TRUE(api("GET", "/apps/nostack/ps").json()["instances"].empty());
}

TEST_F(DockerDeployTest, RemoteEngineOverSshServesBehindThisMachinesNginx) {
  // A host with sshd and a Docker engine of its own, in a network namespace.
  auto hosts = SshHosts::create(1, root_ + "/hosts");
  if (!hosts) {
    if (docker_required()) FAIL() << hosts.error();
    GTEST_SKIP() << hosts.error();
  }
  auto& fleet = **hosts;
  ASSERT_NO_THROW(fleet.start_docker(0));
  const std::string remote = "unix://" + fleet.docker_socket(0);
  const std::string saved = root_ + "/busybox.tar";
  ASSERT_EQ(run_command({"docker", "save", "--output", saved, "slipway/busybox:1"}).exit_code, 0);
  auto loaded = run_command({"docker", "--host", remote, "load", "--input", saved});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.output;

  create_project("farbox");
  auto key = api("GET", "/apps/farbox/ssh-key");
  ASSERT_EQ(key.status, 200) << key.body;
  fleet.authorize(key.json()["public_key"].get<std::string>());
  const auto& host = fleet.hosts()[0];
  const std::string settings = "    target: docker\n    port: 8000\n    drain: 200ms\n    docker_host: ssh://root@" +
                               host.address + "\n    health: {path: /index.html, timeout: 30s}\n";
  auto repo = make_repo("farbox", {{"Dockerfile", site_dockerfile()},
                                   {"index.html", "version 1\n"},
                                   {"slipway.yml", pipeline(settings)}});
  auto first = push_and_deploy(repo, "farbox", 1);
  ASSERT_EQ(first["status"], "success") << first.dump(2) << deployment_log(first) << fleet.sshd_log(0);
  EXPECT_EQ(via_proxy("farbox.localhost", "/index.html").body, "version 1\n");
  // Built and running on the host's engine, published on the host's address, nothing here.
  auto there = run_command({"docker", "--host", remote, "ps", "--format", "{{.Names}} {{.Ports}}", "--filter",
                            "label=slipway.app=farbox"});
  EXPECT_NE(there.output.find(host.address + ":"), std::string::npos) << there.output;
  EXPECT_TRUE(our_containers().empty());
  EXPECT_NE(read_file(home_ + "/ssh/farbox/known_hosts").find(host.address), std::string::npos);

  commit(repo, {{"index.html", "version 2\n"}}, "version 2");
  LoadGenerator load([this] { return via_proxy("farbox.localhost", "/index.html"); });
  auto second = push_and_deploy(repo, "farbox", 2);
  load.finish();
  ASSERT_EQ(second["status"], "success") << second.dump(2) << deployment_log(second);
  EXPECT_EQ(load.failures(), 0) << load.last_failure();
  EXPECT_EQ(via_proxy("farbox.localhost", "/index.html").body, "version 2\n");
  there = run_command({"docker", "--host", remote, "ps", "--quiet", "--filter", "label=slipway.app=farbox"});
  EXPECT_EQ(std::count(there.output.begin(), there.output.end(), '\n'), 1) << there.output;
}

// A registry of the test's own that wants a user and a password (htpasswd, bcrypt), on loopback;
// stopped (by its ChildProcess) when the object goes.
class PrivateRegistry {
 public:
  PrivateRegistry(const std::string& dir, const std::string& user, const std::string& password) {
    std::filesystem::create_directories(dir);
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!::crypt_gensalt_rn("$2b$", 10, nullptr, 0, salt, sizeof salt)) throw std::runtime_error("crypt_gensalt");
    crypt_data data{};
    const char* hash = ::crypt_r(password.c_str(), salt, &data);
    if (!hash || hash[0] == '*') throw std::runtime_error("crypt_r");
    write_file(dir + "/htpasswd", user + ":" + hash + "\n");
    address_ = "127.0.0.1:" + std::to_string(free_port());
    write_file(dir + "/config.yml", "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + dir +
                                        "/data\nhttp:\n  addr: " + address_ +
                                        "\nauth:\n  htpasswd:\n    realm: slipway-test\n    path: " + dir +
                                        "/htpasswd\n");
    util::SpawnOptions options;
    options.argv = {"docker-registry", "serve", dir + "/config.yml"};
    options.env = util::our_environment();
    process_ = util::ChildProcess::spawn(options);
    for (int i = 0; i < 100 && ping() != 401; ++i) std::this_thread::sleep_for(100ms);
  }
  int ping() {
    try {
      return http_request("GET", "http://" + address_, "/v2/").status;
    } catch (const std::exception&) {
      return 0;
    }
  }
  const std::string& address() const { return address_; }

 private:
  std::string address_;
  util::ChildProcess process_;
};

TEST_F(DockerDeployTest, RegistryCredentialsComeFromTheAppsSecretsAndStayOutOfSight) {
  PrivateRegistry registry(root_ + "/registry", "alice", "pw-8c41f7d2");
  ASSERT_EQ(registry.ping(), 401);  // it wants credentials
  create_project("lockbox");
  ASSERT_EQ(cli({"config", "set", "lockbox", "REGISTRY_USERNAME=alice"}).exit_code, 0);
  ASSERT_EQ(cli({"config", "set", "lockbox", "REGISTRY_PASSWORD=pw-8c41f7d2", "--secret"}).exit_code, 0);
  const std::string settings = "    target: docker\n    port: 8000\n    registry: " + registry.address() +
                               "\n    health: {path: /index.html, timeout: 20s}\n";
  auto repo = make_repo("lockbox", {{"Dockerfile", site_dockerfile()},
                                    {"index.html", "version 1\n"},
                                    {"slipway.yml", pipeline(settings)}});
  auto deployment = push_and_deploy(repo, "lockbox", 1);
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2) << deployment_log(deployment);
  auto log = deployment_log(deployment);
  EXPECT_NE(log.find("logged in to " + registry.address() + " as alice"), std::string::npos) << log;
  EXPECT_NE(log.find("pushed " + registry.address() + "/lockbox:"), std::string::npos) << log;
  EXPECT_EQ(via_proxy("lockbox.localhost", "/index.html").body, "version 1\n");
  // The password is in the app's own credential store only: not in the log, not in the
  // container's environment, not in this machine's docker config.
  EXPECT_EQ(log.find("pw-8c41f7d2"), std::string::npos);
  auto containers = our_containers();
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(docker_output({"inspect", containers[0]}).find("pw-8c41f7d2"), std::string::npos);
  const std::string store = home_ + "/apps/lockbox/production/docker-config";
  EXPECT_EQ(fs::status(store).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_NE(read_file(store + "/config.json").find(registry.address()), std::string::npos);
}

class ExampleImagesTest : public DockerDeployTest {
 protected:
  std::string example_repo(const std::string& name, const std::string& slipway_yml) {
    std::string dir = root_ + "/work/" + name;
    fs::create_directories(dir);
    fs::copy(std::string(SLIPWAY_SOURCE_DIR) + "/examples/" + name, dir,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    write_file(dir + "/slipway.yml", slipway_yml);
    EXPECT_EQ(git(dir, {"init", "-q", "-b", "main"}).exit_code, 0);
    commit(dir, {}, "example " + name);
    return dir;
  }
};

TEST_F(ExampleImagesTest, FlaskAndStaticExamplesBecomeImagesWithoutADockerfile) {
  create_project("flaskbox");
  // The tests run in the same image the app will run on.
  auto flask = example_repo("flask",
                            "steps:\n"
                            "  test:\n"
                            "    image: slipway/python:3.11\n"
                            "    run: python3 -m unittest -v\n"
                            "deploy:\n"
                            "  production:\n"
                            "    target: docker\n"
                            "    port: 8000\n"
                            "    health: {path: /healthz, timeout: 30s}\n"
                            "build:\n"
                            "  base_images: {python: slipway/python:3.11}\n");
  auto deployment = push_and_deploy(flask, "flaskbox", 1);
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2) << deployment_log(deployment);
  auto log = deployment_log(deployment);
  EXPECT_NE(log.find("no Dockerfile in the repository: wrote one for Python on slipway/python:3.11"), std::string::npos)
      << log;
  auto page = via_proxy("flaskbox.localhost");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Hello from Flask"), std::string::npos) << page.body;
  auto containers = our_containers();
  ASSERT_EQ(containers.size(), 1u);
  // A production server in the container, not Flask's development server.
  auto top = docker_output({"top", containers[0]});
  EXPECT_NE(top.find("gunicorn"), std::string::npos) << top;
  EXPECT_EQ(top.find("flask run"), std::string::npos) << top;

  create_project("sitebox");
  auto site = example_repo("static",
                           "steps:\n"
                           "  check:\n"
                           "    run: test -s index.html\n"
                           "deploy:\n"
                           "  production:\n"
                           "    target: docker\n"
                           "    port: 8080\n"
                           "    health: {path: /healthz, timeout: 20s}\n"
                           "build:\n"
                           "  type: static\n"
                           "  base_images: {static: slipway/nginx:1.22}\n");
  auto static_deployment = push_and_deploy(site, "sitebox", 1);
  ASSERT_EQ(static_deployment["status"], "success") << static_deployment.dump(2) << deployment_log(static_deployment);
  EXPECT_NE(deployment_log(static_deployment).find("served by nginx on slipway/nginx:1.22"), std::string::npos);
  auto index = via_proxy("sitebox.localhost");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("id=\"version\""), std::string::npos) << index.body;
  EXPECT_EQ(via_proxy("sitebox.localhost", "/.git/config").status, 404);
}

}  // namespace
}  // namespace slipway::testing
