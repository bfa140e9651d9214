// Steps with `image:` and `services:` on the real Docker engine: the script
// runs in the image with the workspace mounted and the step's environment;
// a service (a real PostgreSQL built from Debian packages) is reachable by its
// name; cancel stops and removes the containers; a daemon killed during a
// container step removes what it left when it starts again.
#include <thread>

#include "docker_fixture.h"

namespace slipway::testing {
namespace {

using namespace std::chrono_literals;

class ContainerStepsTest : public DockerTest {
 protected:
  void SetUp() override {
    DockerTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    create_project("ci");
  }

  // Waits (bounded) until this daemon has no container and no network left.
  bool all_removed(std::chrono::seconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (containers_labelled(home_label()).empty() &&
          docker_output({"network", "ls", "--quiet", "--filter", "label=" + home_label()}).empty()) {
        return true;
      }
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  // Waits until step INDEX of run RUN logs TEXT.
  void wait_for_log(std::int64_t run, int index, const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + 90s;
    while (step_log(run, index).find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_NE(step_log(run, index).find(text), std::string::npos) << step_log(run, index);
  }
};

TEST_F(ContainerStepsTest, StepRunsInItsImageWithADatabaseServiceReachableByName) {
  auto repo = make_repo("ci", {{"slipway.yml",
                                "steps:\n"
                                "  build:\n"
                                "    image: slipway/busybox:1\n"
                                "    env: {GREETING: \"hello $(touch /tmp/pwned)\"}\n"
                                "    run:\n"
                                "      - 'echo \"in $(pwd) as $(id -u): $GREETING on $SLIPWAY_BRANCH\"'\n"
                                "      - test ! -e /usr/bin/gcc\n"
                                "      - echo built > output.txt\n"
                                "  test:\n"
                                "    image: slipway/debian:12\n"
                                "    services:\n"
                                "      db:\n"
                                "        image: slipway/postgres:15\n"
                                "    run:\n"
                                "      - cat output.txt\n"
                                "      - psql -h db -U postgres -tAc 'select 40 + 2'\n"}});
  ASSERT_EQ(push(repo, "ci").exit_code, 0);
  auto runs = wait_for_runs("ci", 1);
  auto run = wait_for_run(runs[0]["id"].get<std::int64_t>(), 150s);
  const auto id = run["id"].get<std::int64_t>();
  ASSERT_EQ(run["status"], "success") << run.dump(2) << step_log(id, 1) << step_log(id, 2);
  auto build = step_log(id, 1);
  EXPECT_NE(build.find("in /workspace as 0: hello $(touch /tmp/pwned) on main"), std::string::npos) << build;
  auto test = step_log(id, 2);
  EXPECT_NE(test.find("service db: healthy"), std::string::npos) << test;
  EXPECT_NE(test.find("built\n"), std::string::npos) << test;  // the same workspace as the step before
  EXPECT_NE(test.find("42\n"), std::string::npos) << test;
  EXPECT_TRUE(all_removed()) << "left: " << docker_output({"ps", "-a", "--filter", "label=" + home_label()});
}

TEST_F(ContainerStepsTest, CancelStopsAndRemovesTheContainers) {
  auto repo = make_repo("ci", {{"slipway.yml",
                                "steps:\n"
                                "  long:\n"
                                "    image: slipway/busybox:1\n"
                                "    services:\n"
                                "      side:\n"
                                "        image: slipway/busybox:1\n"
                                "    run:\n"
                                "      - echo started\n"
                                "      - sleep 300\n"}});
  ASSERT_EQ(push(repo, "ci").exit_code, 0);
  auto runs = wait_for_runs("ci", 1);
  const auto id = runs[0]["id"].get<std::int64_t>();
  wait_for_log(id, 1, "started");
  EXPECT_FALSE(containers_labelled(home_label()).empty());
  auto cancelled = cli({"cancel", std::to_string(id)});
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.output;
  auto run = wait_for_run(id, 30s);
  EXPECT_EQ(run["status"], "cancelled") << run.dump(2);
  EXPECT_TRUE(all_removed()) << docker_output({"ps", "-a", "--filter", "label=" + home_label()});
}

TEST_F(ContainerStepsTest, DaemonKilledDuringAContainerStepCleansUpOnStart) {
  auto repo = make_repo("ci", {{"slipway.yml",
                                "steps:\n"
                                "  long:\n"
                                "    image: slipway/busybox:1\n"
                                "    run:\n"
                                "      - echo started\n"
                                "      - sleep 300\n"}});
  ASSERT_EQ(push(repo, "ci").exit_code, 0);
  auto runs = wait_for_runs("ci", 1);
  const auto id = runs[0]["id"].get<std::int64_t>();
  wait_for_log(id, 1, "started");
  daemon_.kill9();
  start_daemon();
  auto run = api("GET", "/runs/" + std::to_string(id)).json();
  EXPECT_EQ(run["status"], "interrupted") << run.dump(2);
  EXPECT_TRUE(all_removed()) << docker_output({"ps", "-a", "--filter", "label=" + home_label()});
}

}  // namespace
}  // namespace slipway::testing
