// Timeouts, cancel, SIGTERM and SIGKILL of the daemon: no process is left
// behind and every run ends in a true state with its log kept.
#include <signal.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "daemon_fixture.h"
#include "util/strings.h"

namespace slipway::testing {
namespace {

using namespace std::chrono_literals;

// Whether any process of group PGID still runs. Zombies do not count: once a
// step's shell is gone its killed children are reaped by whoever adopted them.
bool group_alive(pid_t pgid) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    bool live = false;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::string stat = read_file(entry.path().string() + "/stat");
      auto close = stat.rfind(')');
      if (close == std::string::npos || close + 2 >= stat.size()) continue;
      std::istringstream fields(stat.substr(close + 2));
      std::string state, ppid, group;
      fields >> state >> ppid >> group;
      if (group == std::to_string(pgid) && state != "Z") live = true;
    }
    if (!live) return false;
    std::this_thread::sleep_for(20ms);  // a SIGKILL takes a moment to land
  }
  return true;
}

// Waits (bounded) until LOG of step INDEX of RUN contains TEXT.
bool wait_for_log(SlipwayTest* test, const std::function<std::string()>& read, const std::string& text) {
  for (int i = 0; i < 400; ++i) {
    if (read().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(25ms);
  }
  return false;
}

pid_t pgid_from_log(const std::string& log) {
  auto at = log.find("pgid=");
  if (at == std::string::npos) return -1;
  return static_cast<pid_t>(std::stol(log.substr(at + 5)));
}

// A step that reports its process group, then leaves a grandchild behind
// (a background sleep, and a sleep inside a subshell) and waits.
constexpr const char* kLongStep = R"yml(steps:
  long:
    run: |
      echo "pgid=$(ps -o pgid= $$ | tr -d ' ')"
      sleep 300 &
      (sleep 300; echo never) &
      echo started
      sleep 300
)yml";

class ProcessControlTest : public SlipwayTest {
 protected:
  std::int64_t push_long_step(const std::string& yml, std::size_t expected_runs = 1) {
    auto repo = make_repo("long" + std::to_string(expected_runs), {{"slipway.yml", yml}});
    EXPECT_EQ(push(repo, "app").exit_code, 0);
    return wait_for_runs("app", expected_runs)[0]["id"].get<std::int64_t>();
  }
};

TEST_F(ProcessControlTest, TimeoutKillsTheWholeProcessGroup) {
  start_daemon({"--kill-grace", "1"});
  create_project("app");
  auto id = push_long_step(std::string(kLongStep) + "    timeout: 2s\n");
  auto run = wait_for_run(id);
  EXPECT_EQ(run["status"], "failed");
  EXPECT_EQ(run["steps"][1]["status"], "failed");
  EXPECT_NE(run["steps"][1]["reason"].get<std::string>().find("timed out after 2s"), std::string::npos)
      << run.dump(2);
  pid_t pgid = pgid_from_log(step_log(id, 1));
  ASSERT_GT(pgid, 1);
  EXPECT_FALSE(group_alive(pgid));
}

TEST_F(ProcessControlTest, CancelKillsTheWholeProcessGroup) {
  start_daemon({"--kill-grace", "1"});
  create_project("app");
  auto id = push_long_step(kLongStep);
  ASSERT_TRUE(wait_for_log(this, [&] { return step_log(id, 1); }, "started"));
  pid_t pgid = pgid_from_log(step_log(id, 1));
  ASSERT_GT(pgid, 1);
  EXPECT_EQ(::kill(-pgid, 0), 0);
  auto cancelled = api("POST", "/runs/" + std::to_string(id) + "/cancel");
  EXPECT_EQ(cancelled.status, 202) << cancelled.body;
  auto run = wait_for_run(id);
  EXPECT_EQ(run["status"], "cancelled");
  EXPECT_EQ(run["steps"][1]["status"], "cancelled");
  EXPECT_FALSE(group_alive(pgid));
  // A finished run cannot be cancelled again.
  EXPECT_EQ(api("POST", "/runs/" + std::to_string(id) + "/cancel").status, 409);
}

TEST_F(ProcessControlTest, QueuedRunCanBeCancelled) {
  start_daemon({"--executors", "1"});
  create_project("app");
  auto first = push_long_step(kLongStep, 1);
  auto repo = make_repo("second", {{"slipway.yml", "steps:\n  quick:\n    run: echo quick\n"}});
  ASSERT_EQ(push(repo, "app", "other").exit_code, 0);
  auto second = wait_for_runs("app", 2)[0]["id"].get<std::int64_t>();
  EXPECT_EQ(api("GET", "/runs/" + std::to_string(second)).json()["status"], "queued");
  EXPECT_EQ(api("POST", "/runs/" + std::to_string(second) + "/cancel").status, 202);
  EXPECT_EQ(wait_for_run(second)["status"], "cancelled");
  api("POST", "/runs/" + std::to_string(first) + "/cancel");
  EXPECT_EQ(wait_for_run(first)["status"], "cancelled");
}

TEST_F(ProcessControlTest, SigkilledDaemonRecoversTrueStateAndRunsTheQueue) {
  start_daemon({"--executors", "1"});
  create_project("app");
  auto running = push_long_step(kLongStep, 1);
  ASSERT_TRUE(wait_for_log(this, [&] { return step_log(running, 1); }, "started"));
  auto repo = make_repo("queued", {{"slipway.yml", "steps:\n  quick:\n    run: echo after restart\n"}});
  ASSERT_EQ(push(repo, "app", "queued").exit_code, 0);
  auto queued = wait_for_runs("app", 2)[0]["id"].get<std::int64_t>();
  pid_t pgid = pgid_from_log(step_log(running, 1));
  ASSERT_GT(pgid, 1);

  daemon_.kill9();
  start_daemon({"--executors", "1"});

  auto run = wait_for_run(running);
  EXPECT_EQ(run["status"], "interrupted") << run.dump(2);
  EXPECT_EQ(run["steps"][1]["status"], "interrupted");
  auto log = step_log(running, 1);
  EXPECT_NE(log.find("pgid="), std::string::npos);
  EXPECT_NE(log.find("started"), std::string::npos);  // the log up to the kill is kept
  // The step's processes, which outlived the old daemon, are gone.
  EXPECT_FALSE(group_alive(pgid));

  auto after = wait_for_run(queued);
  EXPECT_EQ(after["status"], "success") << after.dump(2);
  EXPECT_NE(step_log(queued, 1).find("after restart"), std::string::npos);
}

TEST_F(ProcessControlTest, SigtermGivesStepsGraceThenInterrupts) {
  start_daemon({"--grace", "5", "--kill-grace", "1"});
  create_project("app");
  // Beside the long step, one still busy when SIGTERM comes that ends within the grace period.
  auto id = push_long_step(std::string(kLongStep) + "  short:\n    needs: []\n    run: sleep 2; echo finished\n");
  ASSERT_TRUE(wait_for_log(this, [&] { return step_log(id, 1); }, "started"));
  pid_t pgid = pgid_from_log(step_log(id, 1));
  daemon_.stop();
  EXPECT_FALSE(daemon_.running());
  EXPECT_FALSE(group_alive(pgid));
  start_daemon();
  auto run = api("GET", "/runs/" + std::to_string(id)).json();
  EXPECT_EQ(run["status"], "interrupted") << run.dump(2);
  EXPECT_EQ(run["steps"][1]["status"], "interrupted");
  EXPECT_EQ(run["steps"][2]["status"], "success");
}

TEST_F(ProcessControlTest, ExecutorLimitBoundsRunningSteps) {
  // Independent steps and two runs, one executor: a step that finds the
  // shared lock directory taken knows another step runs beside it.
  start_daemon({"--executors", "1"});
  create_project("app");
  const std::string step = "    needs: []\n    run: mkdir \"$SLIPWAY_WORKSPACE/../lock\" && sleep 0.3 && rmdir \"$SLIPWAY_WORKSPACE/../lock\"\n";
  auto repo = make_repo("limit", {{"slipway.yml", "steps:\n  a:\n" + step + "  b:\n" + step + "  c:\n" + step}});
  ASSERT_EQ(push(repo, "app", "one").exit_code, 0);
  ASSERT_EQ(push(repo, "app", "two").exit_code, 0);
  for (const auto& summary : wait_for_runs("app", 2)) {
    auto run = wait_for_run(summary["id"].get<std::int64_t>());
    EXPECT_EQ(run["status"], "success") << run.dump(2);
  }
}

TEST_F(ProcessControlTest, SecondDaemonOnSameHomeRefuses) {
  start_daemon();
  auto second = run_command({SLIPWAY_BINARY, "serve", "--home", home_, "--listen", "127.0.0.1:0"}, root_, {},
                            std::chrono::seconds(20));
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.output.find("another slipway daemon"), std::string::npos) << second.output;
  EXPECT_NE(second.output.find(std::to_string(daemon_.pid())), std::string::npos) << second.output;
}

}  // namespace
}  // namespace slipway::testing

namespace slipway::testing {
namespace {

// Processes whose environment says they came from run RUN_ID.
// Live processes of run RUN_ID of the daemon whose home is HOME (other tests' daemons, which
// ctest runs at the same time, have runs with the same ids: their workspaces tell them apart).
std::vector<pid_t> processes_of_run(const std::string& home, std::int64_t run_id) {
  std::vector<pid_t> found;
  std::string marker = "SLIPWAY_RUN=" + std::to_string(run_id);
  std::string workspace = "SLIPWAY_WORKSPACE=" + home + "/";
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string environ = read_file(entry.path().string() + "/environ");
    std::string stat = read_file(entry.path().string() + "/stat");
    auto close = stat.rfind(')');
    bool zombie = close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
    bool ours = false, run = false;
    for (const auto& var : util::split(environ, '\0')) {
      run = run || var == marker;
      ours = ours || var.rfind(workspace, 0) == 0;
    }
    if (run && ours && !zombie) found.push_back(std::stoi(name));
  }
  return found;
}

TEST_F(ProcessControlTest, ProcessesThatLeaveTheGroupAreKilledWhenTheStepEnds) {
  start_daemon();
  create_project("app");
  auto repo = make_repo("escape", {{"slipway.yml", "steps:\n  escape:\n    run: |\n      setsid sleep 300 &\n"
                                                   "      (setsid sh -c 'sleep 300 & sleep 300' &)\n      sleep 0.5\n"
                                                   "      echo left two sessions behind\n"}});
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  auto run = wait_for_run(wait_for_runs("app", 1)[0]["id"].get<std::int64_t>());
  EXPECT_EQ(run["status"], "success");
  auto id = run["id"].get<std::int64_t>();
  std::vector<pid_t> left = processes_of_run(home_, id);
  for (int i = 0; i < 300 && !left.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    left = processes_of_run(home_, id);
  }
  EXPECT_TRUE(left.empty()) << left.size() << " processes of run " << id << " outlived their step";
  for (pid_t pid : left) ::kill(pid, SIGKILL);
}

}  // namespace
}  // namespace slipway::testing
