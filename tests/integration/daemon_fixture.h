// The fixture of the end-to-end tests: a temporary home, an admin token, the
// real daemon on a free loopback port, and helpers for git pushes and API
// calls. Every process it starts it stops by PID, also when a test fails.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app_processes.h"
#include "daemon_process.h"
#include "test_http.h"

namespace slipway::testing {

class SlipwayTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts the daemon (tests that need special flags call it themselves first).
  void start_daemon(const std::vector<std::string>& args = {});

  std::string make_token(const std::string& role, const std::string& name = "test");
  HttpResult api(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr,
                 const std::string& token = "<admin>");
  void create_project(const std::string& name, const nlohmann::json& extra = nlohmann::json::object());

  // A work repository at DIR with FILES committed on BRANCH.
  std::string make_repo(const std::string& name, const std::map<std::string, std::string>& files,
                        const std::string& message = "initial commit", const std::string& branch = "main");
  void commit(const std::string& repo, const std::map<std::string, std::string>& files, const std::string& message);
  CommandResult git(const std::string& repo, const std::vector<std::string>& args);
  // Pushes the work repo's HEAD to BRANCH of PROJECT over HTTP.
  CommandResult push(const std::string& repo, const std::string& project, const std::string& branch = "main");

  nlohmann::json wait_for_run(std::int64_t run_id, std::chrono::seconds limit = std::chrono::seconds(60));
  // Waits until PROJECT has COUNT runs; returns them, newest first.
  nlohmann::json wait_for_runs(const std::string& project, std::size_t count,
                               std::chrono::seconds limit = std::chrono::seconds(30));
  std::string step_log(std::int64_t run_id, int index);
  // Runs the slipway CLI against this daemon.
  CommandResult cli(const std::vector<std::string>& args, const std::string& token = "<admin>");

  // GET PATH through Slipway's nginx as HOST (e.g. "app.localhost").
  HttpResult via_proxy(const std::string& host, const std::string& path = "/");
  std::string proxy_url() const { return "http://127.0.0.1:" + std::to_string(proxy_port_); }
  // Waits until deployment ID has ended; returns it.
  nlohmann::json wait_for_deployment(std::int64_t id, std::chrono::seconds limit = std::chrono::seconds(90));
  // Waits until APP has COUNT deployments; returns them, newest first.
  nlohmann::json wait_for_deployments(const std::string& app, std::size_t count,
                                      std::chrono::seconds limit = std::chrono::seconds(60));

  int proxy_port_ = 0;  // where the daemon's nginx listens; kept across daemon restarts
  std::string root_;   // temporary directory of this test
  std::string home_;   // the daemon's --home
  std::string admin_token_;
  Daemon daemon_;
};

}  // namespace slipway::testing
