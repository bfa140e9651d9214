// A push runs the pipeline: success, failure and its skipped dependents,
// parallel steps, branch filters, invalid pipeline files.
#include <signal.h>

#include <filesystem>

#include "daemon_fixture.h"

namespace slipway::testing {
namespace {

class PipelineRunTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    start_daemon({"--executors", "4"});
    create_project("app");
  }

  nlohmann::json push_and_wait(const std::string& yml, const std::string& branch = "main") {
    auto repo = make_repo("app-" + branch.substr(0, 8) + std::to_string(counter_++), {{"slipway.yml", yml}});
    auto pushed = push(repo, "app", branch);
    EXPECT_EQ(pushed.exit_code, 0) << pushed.output;
    auto runs = wait_for_runs("app", static_cast<std::size_t>(counter_));
    return wait_for_run(runs[0]["id"].get<std::int64_t>());
  }

  int counter_ = 0;
};

TEST_F(PipelineRunTest, PushRunsStepsAndRecordsLogs) {
  auto run = push_and_wait(R"yml(
steps:
  build:
    run:
      - echo "building $SLIPWAY_PROJECT run $SLIPWAY_RUN on $SLIPWAY_BRANCH"
      - echo "$GREETING from $(pwd | xargs basename)"
    env: {GREETING: hello}
  test:
    run: test -f slipway.yml && echo tests pass
)yml");
  EXPECT_EQ(run["status"], "success") << run.dump(2);
  EXPECT_EQ(run["trigger"], "push");
  EXPECT_EQ(run["branch"], "main");
  EXPECT_EQ(run["commit"].get<std::string>().size(), 40u);
  EXPECT_EQ(run["message"], "initial commit");
  ASSERT_EQ(run["steps"].size(), 3u);
  EXPECT_EQ(run["steps"][0]["name"], "setup");
  EXPECT_EQ(run["steps"][1]["name"], "build");
  EXPECT_EQ(run["steps"][2]["needs"], nlohmann::json::array({1}));
  auto id = run["id"].get<std::int64_t>();
  EXPECT_NE(step_log(id, 1).find("building app run " + std::to_string(id) + " on main"), std::string::npos);
  EXPECT_NE(step_log(id, 1).find("hello from " + std::to_string(id)), std::string::npos);
  EXPECT_NE(step_log(id, 2).find("tests pass"), std::string::npos);
  EXPECT_NE(step_log(id, 0).find("checked out"), std::string::npos);
  // The workspace is removed when the run ends.
  EXPECT_FALSE(std::filesystem::exists(home_ + "/workspaces/" + std::to_string(id)));
}

TEST_F(PipelineRunTest, StepsSeeOnlyStdinStdoutAndStderr) {
  // Nothing of the daemon (its listening socket, client connections, the
  // database) may be reachable through an inherited descriptor.
  // What a program started by the step holds (the shell keeps private copies of its own).
  auto run = push_and_wait("steps:\n  fds:\n    run: |\n      sleep 5 &\n"
                           "      for i in $(seq 100); do tr '\\0' ' ' < /proc/$!/cmdline | grep -q '^sleep' && break; sleep 0.05; done\n"
                           "      echo \"fds: $(ls /proc/$!/fd | sort -n | tr '\\n' ' ')\"\n      kill $!\n");
  EXPECT_EQ(run["status"], "success");
  auto log = step_log(run["id"].get<std::int64_t>(), 1);
  EXPECT_NE(log.find("fds: 0 1 2 \n"), std::string::npos) << log;
}

TEST_F(PipelineRunTest, FailingStepFailsRunAndSkipsOnlyItsDependents) {
  auto run = push_and_wait(R"(
steps:
  build:
    run: echo compiling; exit 3
  test:
    run: echo never
  deploy:
    run: echo never either
  lint:
    needs: []
    run: echo linting
)");
  EXPECT_EQ(run["status"], "failed");
  EXPECT_EQ(run["steps"][1]["status"], "failed");
  EXPECT_EQ(run["steps"][1]["exit_code"], 3);
  EXPECT_EQ(run["steps"][2]["status"], "skipped");
  EXPECT_EQ(run["steps"][3]["status"], "skipped");  // needs test, which was skipped
  EXPECT_EQ(run["steps"][4]["status"], "success");
  EXPECT_NE(run["reason"].get<std::string>().find("build"), std::string::npos);
}

TEST_F(PipelineRunTest, IndependentStepsRunInParallel) {
  // Each step records when it starts and waits for the other to start: they
  // can only both succeed if they run at the same time.
  auto run = push_and_wait(R"(
steps:
  a:
    needs: []
    run: touch "$SLIPWAY_WORKSPACE/../a-started-$SLIPWAY_RUN"; for i in $(seq 100); do test -e "$SLIPWAY_WORKSPACE/../b-started-$SLIPWAY_RUN" && exit 0; sleep 0.1; done; exit 1
  b:
    needs: []
    run: touch "$SLIPWAY_WORKSPACE/../b-started-$SLIPWAY_RUN"; for i in $(seq 100); do test -e "$SLIPWAY_WORKSPACE/../a-started-$SLIPWAY_RUN" && exit 0; sleep 0.1; done; exit 1
)");
  EXPECT_EQ(run["status"], "success") << run.dump(2);
}

TEST_F(PipelineRunTest, InvalidPipelineFailsWithFileLineColumn) {
  auto run = push_and_wait("steps:\n  build:\n    run: make\n    timeout: soon\n");
  EXPECT_EQ(run["status"], "failed");
  EXPECT_EQ(run["steps"].size(), 1u);
  auto log = step_log(run["id"].get<std::int64_t>(), 0);
  EXPECT_NE(log.find("slipway.yml:4:"), std::string::npos) << log;
  EXPECT_NE(run["reason"].get<std::string>().find("slipway.yml:4:"), std::string::npos) << run.dump();
}

TEST_F(PipelineRunTest, BrokenYamlAndCyclesFailCleanly) {
  auto broken = push_and_wait("steps:\n  build: [unclosed\n");
  EXPECT_EQ(broken["status"], "failed");
  EXPECT_NE(step_log(broken["id"].get<std::int64_t>(), 0).find("slipway.yml:"), std::string::npos);

  auto cycle = push_and_wait("steps:\n  a:\n    needs: [b]\n    run: x\n  b:\n    needs: [a]\n    run: y\n");
  EXPECT_EQ(cycle["status"], "failed");
  EXPECT_NE(step_log(cycle["id"].get<std::int64_t>(), 0).find("cycle"), std::string::npos);
}

TEST_F(PipelineRunTest, MissingPipelineFileFails) {
  auto repo = make_repo("nofile", {{"README", "no pipeline here"}});
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  auto run = wait_for_run(wait_for_runs("app", 1)[0]["id"].get<std::int64_t>());
  EXPECT_EQ(run["status"], "failed");
  EXPECT_NE(run["reason"].get<std::string>().find("slipway.yml"), std::string::npos);
}

TEST_F(PipelineRunTest, BranchFilteredOutRecordsSkippedRun) {
  auto run = push_and_wait("when: {branch: [main, \"release/*\"]}\nsteps:\n  build:\n    run: echo hi\n",
                           "feature/x");
  EXPECT_EQ(run["status"], "skipped") << run.dump(2);
  EXPECT_EQ(run["branch"], "feature/x");

  auto step_filtered = push_and_wait(
      "steps:\n  build:\n    run: echo build\n  deploy:\n    when: {branch: main}\n    run: echo deploy\n", "dev");
  EXPECT_EQ(step_filtered["status"], "success");
  EXPECT_EQ(step_filtered["steps"][2]["status"], "skipped");
}

TEST_F(PipelineRunTest, ManualRunAndRerun) {
  auto repo = make_repo("manual", {{"slipway.yml", "steps:\n  build:\n    run: echo manual\n"}});
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  wait_for_run(wait_for_runs("app", 1)[0]["id"].get<std::int64_t>());

  auto started = api("POST", "/projects/app/runs", {{"ref", "main"}});
  ASSERT_EQ(started.status, 201) << started.body;
  auto run = wait_for_run(started.json()["id"].get<std::int64_t>());
  EXPECT_EQ(run["status"], "success");
  EXPECT_EQ(run["trigger"], "manual");

  auto rerun = api("POST", "/runs/" + std::to_string(run["id"].get<std::int64_t>()) + "/rerun");
  ASSERT_EQ(rerun.status, 201) << rerun.body;
  auto again = wait_for_run(rerun.json()["id"].get<std::int64_t>());
  EXPECT_EQ(again["status"], "success");
  EXPECT_EQ(again["commit"], run["commit"]);

  EXPECT_EQ(api("POST", "/projects/app/runs", {{"ref", "no-such-branch"}}).status, 404);
}

}  // namespace
}  // namespace slipway::testing
