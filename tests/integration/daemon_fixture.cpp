#include "daemon_fixture.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "store/sqlite_store.h"
#include "util/crypto.h"
#include "util/fd.h"

namespace slipway::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void SlipwayTest::SetUp() {
  char pattern[] = "/tmp/slipway-test-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  root_ = pattern;
  home_ = root_ + "/home";
  fs::create_directories(home_);
  admin_token_ = make_token("admin", "test-admin");
  proxy_port_ = free_port();
}

void SlipwayTest::TearDown() {
  daemon_.stop();
  stop_app_processes(home_);  // deployed apps and nginx outlive the daemon on purpose
  if (HasFailure()) {
    std::cerr << "--- daemon output ---\n" << daemon_.output() << "--- end ---\n";
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void SlipwayTest::start_daemon(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"--proxy-listen", "127.0.0.1:" + std::to_string(proxy_port_), "--stop-grace", "3"};
  all.insert(all.end(), args.begin(), args.end());
  daemon_.start(SLIPWAY_BINARY, home_, all);
}

HttpResult SlipwayTest::via_proxy(const std::string& host, const std::string& path) {
  return http_request("GET", proxy_url(), path, "", {{"Host", host}});
}

nlohmann::json SlipwayTest::wait_for_deployment(std::int64_t id, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  nlohmann::json deployment;
  while (std::chrono::steady_clock::now() < deadline) {
    deployment = api("GET", "/deployments/" + std::to_string(id)).json();
    std::string status = deployment.value("status", "");
    if (status != "queued" && status != "running" && !status.empty()) return deployment;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "deployment " << id << " did not finish in time: " << deployment.dump();
  return deployment;
}

nlohmann::json SlipwayTest::wait_for_deployments(const std::string& app, std::size_t count, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  nlohmann::json list;
  while (std::chrono::steady_clock::now() < deadline) {
    list = api("GET", "/apps/" + app + "/deployments").json()["deployments"];
    if (list.size() >= count) return list;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << app << " has " << list.size() << " deployments, expected " << count;
  return list;
}

std::string SlipwayTest::make_token(const std::string& role, const std::string& name) {
  auto store = store::SqliteStore::open(home_ + "/slipway.db");
  if (!store) throw std::runtime_error(store.error());
  std::string token = "slw_" + util::random_hex(20);
  store.value()->create_token(name, *store::parse_role(role), util::sha256_hex(token));
  return token;
}

HttpResult SlipwayTest::api(const std::string& method, const std::string& path, const nlohmann::json& body,
                            const std::string& token) {
  std::map<std::string, std::string> headers;
  std::string bearer = token == "<admin>" ? admin_token_ : token;
  if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
  return http_request(method, daemon_.url(), "/api/v1" + path, body.is_null() ? "" : body.dump(), headers);
}

void SlipwayTest::create_project(const std::string& name, const nlohmann::json& extra) {
  nlohmann::json body = extra;
  body["name"] = name;
  auto result = api("POST", "/projects", body);
  ASSERT_EQ(result.status, 201) << result.body;
}

CommandResult SlipwayTest::git(const std::string& repo, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                                   "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, repo, {"HOME=" + root_, "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1"});
}

std::string SlipwayTest::make_repo(const std::string& name, const std::map<std::string, std::string>& files,
                                   const std::string& message, const std::string& branch) {
  std::string dir = root_ + "/work/" + name;
  fs::create_directories(dir);
  auto init = git(dir, {"init", "-q", "-b", branch});
  EXPECT_EQ(init.exit_code, 0) << init.output;
  commit(dir, files, message);
  return dir;
}

void SlipwayTest::commit(const std::string& repo, const std::map<std::string, std::string>& files,
                         const std::string& message) {
  for (const auto& [path, content] : files) write_file(repo + "/" + path, content);
  auto add = git(repo, {"add", "-A"});
  EXPECT_EQ(add.exit_code, 0) << add.output;
  auto result = git(repo, {"commit", "-q", "--allow-empty", "-m", message});
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

CommandResult SlipwayTest::push(const std::string& repo, const std::string& project, const std::string& branch) {
  std::string url = daemon_.url();
  std::string authed = "http://slipway:" + admin_token_ + "@" + url.substr(std::string("http://").size()) + "/git/" +
                       project + ".git";
  return git(repo, {"push", "-q", "--force", authed, "HEAD:refs/heads/" + branch});
}

nlohmann::json SlipwayTest::wait_for_run(std::int64_t run_id, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  nlohmann::json run;
  while (std::chrono::steady_clock::now() < deadline) {
    auto result = api("GET", "/runs/" + std::to_string(run_id));
    run = result.json();
    std::string status = run.value("status", "");
    if (status != "queued" && status != "running" && !status.empty()) return run;
    std::this_thread::sleep_for(25ms);
  }
  ADD_FAILURE() << "run " << run_id << " did not finish in time: " << run.dump();
  return run;
}

nlohmann::json SlipwayTest::wait_for_runs(const std::string& project, std::size_t count, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  nlohmann::json runs;
  while (std::chrono::steady_clock::now() < deadline) {
    runs = api("GET", "/runs?project=" + project).json()["runs"];
    if (runs.size() >= count) return runs;
    std::this_thread::sleep_for(25ms);
  }
  ADD_FAILURE() << project << " has " << runs.size() << " runs, expected " << count;
  return runs;
}

std::string SlipwayTest::step_log(std::int64_t run_id, int index) {
  return api("GET", "/runs/" + std::to_string(run_id) + "/steps/" + std::to_string(index) + "/log").body;
}

CommandResult SlipwayTest::cli(const std::vector<std::string>& args, const std::string& token) {
  std::vector<std::string> argv = {SLIPWAY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, root_,
                     {"SLIPWAY_URL=" + daemon_.url(), "SLIPWAY_TOKEN=" + (token == "<admin>" ? admin_token_ : token),
                      "HOME=" + root_, "NO_COLOR=1"},
                     std::chrono::seconds(120));
}

}  // namespace slipway::testing
