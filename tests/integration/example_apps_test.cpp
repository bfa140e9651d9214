// The examples a user pushes first, deployed for real: the Flask app without
// a Procfile (detected, run by gunicorn), the static site and the Vite build
// (served by nginx itself), the broken variant (its deployment fails and the
// working version keeps serving), and the warning a development server in a
// Procfile gets.
#include <filesystem>

#include "daemon_fixture.h"

namespace slipway::testing {
namespace {

namespace fs = std::filesystem;

class ExampleAppsTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    start_daemon();
  }

  // Copies examples/NAME into a fresh work repository (without build output).
  std::string example_repo(const std::string& name, const std::string& as) {
    std::string dir = root_ + "/work/" + as;
    fs::create_directories(dir);
    fs::copy(std::string(SLIPWAY_SOURCE_DIR) + "/examples/" + name, dir,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    fs::remove_all(dir + "/node_modules");
    fs::remove_all(dir + "/dist");
    auto init = git(dir, {"init", "-q", "-b", "main"});
    EXPECT_EQ(init.exit_code, 0) << init.output;
    commit(dir, {}, "example " + name);
    return dir;
  }

  nlohmann::json deploy(const std::string& repo, const std::string& app, std::size_t deployments = 1) {
    auto pushed = push(repo, app);
    EXPECT_EQ(pushed.exit_code, 0) << pushed.output;
    auto runs = wait_for_runs(app, deployments);
    auto run = wait_for_run(runs[0]["id"].get<std::int64_t>(), std::chrono::seconds(300));
    EXPECT_EQ(run["status"], "success") << run.dump(2);
    auto list = wait_for_deployments(app, deployments);
    return wait_for_deployment(list[0]["id"].get<std::int64_t>());
  }

  std::string deployment_log(const nlohmann::json& deployment) {
    return api("GET", "/deployments/" + std::to_string(deployment["id"].get<int>()) + "/log").body;
  }
};

TEST_F(ExampleAppsTest, FlaskWithoutProcfileRunsUnderGunicorn) {
  create_project("flask");
  auto repo = example_repo("flask", "flask");
  auto deployment = deploy(repo, "flask");
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2) << deployment_log(deployment);
  auto log = deployment_log(deployment);
  EXPECT_NE(log.find("gunicorn"), std::string::npos) << log;
  auto page = via_proxy("flask.localhost");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Hello from Flask"), std::string::npos) << page.body;
  EXPECT_EQ(api("GET", "/apps/flask/releases").json()["releases"][0]["app_type"], "python");
  // A production server, not the development one.
  auto ps = api("GET", "/apps/flask/ps").json()["instances"][0];
  auto cmdline = read_file("/proc/" + std::to_string(ps["pid"].get<int>()) + "/cmdline");
  EXPECT_NE(cmdline.find("gunicorn"), std::string::npos) << cmdline;

  // The broken variant passes its tests but not its health check: Flask keeps serving.
  auto broken = example_repo("broken", "broken");
  auto failed = deploy(broken, "flask", 2);
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_NE(failed["reason"].get<std::string>().find("health check failed"), std::string::npos) << failed.dump(2);
  EXPECT_NE(via_proxy("flask.localhost").body.find("Hello from Flask"), std::string::npos);
}

TEST_F(ExampleAppsTest, StaticSiteIsServedByNginx) {
  create_project("site");
  auto deployment = deploy(example_repo("static", "site"), "site");
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2) << deployment_log(deployment);
  auto page = via_proxy("site.localhost");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("id=\"version\""), std::string::npos) << page.body;
  EXPECT_EQ(via_proxy("site.localhost", "/healthz").status, 200);
  EXPECT_TRUE(api("GET", "/apps/site/ps").json()["instances"].empty());  // no process: nginx serves the files
}

TEST_F(ExampleAppsTest, ViteAppIsBuiltAndItsOutputServedByNginx) {
  create_project("vite");
  auto deployment = deploy(example_repo("vite", "vite"), "vite");
  ASSERT_EQ(deployment["status"], "success") << deployment.dump(2) << deployment_log(deployment);
  auto page = via_proxy("vite.localhost");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<div id=\"root\">"), std::string::npos) << page.body;
  // A client-side route falls back to index.html.
  EXPECT_EQ(via_proxy("vite.localhost", "/some/page").status, 200);
  EXPECT_EQ(api("GET", "/apps/vite/releases").json()["releases"][0]["app_type"], "node-static");
}

TEST_F(ExampleAppsTest, DevelopmentServerInProcfileIsWarnedAbout) {
  create_project("dev");
  auto repo = make_repo("dev", {{"app.py", "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef index():\n"
                                           "    return 'dev server'\n"},
                                {"Procfile", "web: flask --app app run --port $PORT\n"},
                                {"slipway.yml", "steps:\n  test:\n    run: 'true'\ndeploy:\n  production:\n"
                                                "    target: local\n    health: {timeout: 20s}\n"}});
  auto deployment = deploy(repo, "dev");
  auto log = deployment_log(deployment);
  EXPECT_NE(log.find("warning: "), std::string::npos) << log;
  EXPECT_NE(log.find("gunicorn"), std::string::npos) << "names the production alternative: " << log;
}

}  // namespace
}  // namespace slipway::testing
