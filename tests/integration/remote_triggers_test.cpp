// Runs that start without a push: polling a source repository (`poll_seconds`, trigger
// "poll") and cron schedules of slipway.yml (`on.schedule`, trigger "schedule"), against
// the real daemon and real git. The daemon polls every second here through the hidden,
// test-only `--test-poll-minimum 1`.
#include <sys/stat.h>

#include <chrono>
#include <set>
#include <thread>

#include "daemon_fixture.h"

namespace slipway::testing {
namespace {

using namespace std::chrono_literals;

const char* kPollFlags[] = {"--test-poll-minimum", "1"};

class PollTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    start_daemon({kPollFlags[0], kPollFlags[1]});
    upstream_ =
        make_repo("upstream", {{"slipway.yml", "steps:\n  a:\n    run: echo polled\n"}}, "first commit");
  }

  std::string head(const std::string& ref = "HEAD") {
    return git(upstream_, {"rev-parse", ref}).output.substr(0, 40);
  }
  std::size_t run_count(const std::string& project) {
    return api("GET", "/runs?project=" + project).json()["runs"].size();
  }
  // The modification time of the project's FETCH_HEAD in ns (0: none): git fetch rewrites it.
  long long fetch_head_time(const std::string& project) {
    struct stat info {};
    if (::stat((home_ + "/repos/" + project + ".git/FETCH_HEAD").c_str(), &info) != 0) return 0;
    return info.st_mtim.tv_sec * 1000000000LL + info.st_mtim.tv_nsec;
  }

  std::string upstream_;
};

TEST_F(PollTest, NewHeadsRunOnceAndNothingElseDoes) {
  create_project("polled", {{"source", upstream_}, {"poll_seconds", 1}});
  // First poll: the default branch, once.
  auto runs = wait_for_runs("polled", 1, 30s);
  ASSERT_EQ(runs.size(), 1u);
  auto first = wait_for_run(runs[0]["id"].get<std::int64_t>());
  EXPECT_EQ(first["status"], "success") << first.dump(2) << step_log(first["id"].get<std::int64_t>(), 0);
  EXPECT_EQ(first["trigger"], "poll");
  EXPECT_EQ(first["branch"], "main");
  EXPECT_EQ(first["commit"], head());
  EXPECT_EQ(first["message"], "first commit");

  // Nothing changed: no run, and nothing fetched (ls-remote only).
  long long fetched = fetch_head_time("polled");
  EXPECT_NE(fetched, 0);
  std::this_thread::sleep_for(3500ms);
  EXPECT_EQ(run_count("polled"), 1u);
  EXPECT_EQ(fetch_head_time("polled"), fetched);

  // A new commit: one run of it.
  commit(upstream_, {{"slipway.yml", "steps:\n  a:\n    run: echo second\n"}}, "second commit");
  runs = wait_for_runs("polled", 2, 30s);
  ASSERT_EQ(runs.size(), 2u);
  auto second = wait_for_run(runs[0]["id"].get<std::int64_t>());
  EXPECT_EQ(second["status"], "success") << second.dump(2);
  EXPECT_EQ(second["trigger"], "poll");
  EXPECT_EQ(second["commit"], head());
  EXPECT_EQ(second["message"], "second commit");

  // A new branch: a run of its head.
  git(upstream_, {"branch", "feature"});
  runs = wait_for_runs("polled", 3, 30s);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0]["branch"], "feature");
  EXPECT_EQ(runs[0]["trigger"], "poll");
  wait_for_run(runs[0]["id"].get<std::int64_t>());

  // A deleted branch: nothing.
  git(upstream_, {"branch", "-D", "feature"});
  std::this_thread::sleep_for(3500ms);
  EXPECT_EQ(run_count("polled"), 3u);

  // A restart remembers what was seen: nothing runs again.
  daemon_.stop();
  start_daemon({kPollFlags[0], kPollFlags[1]});
  std::this_thread::sleep_for(3500ms);
  EXPECT_EQ(run_count("polled"), 3u);
}

TEST_F(PollTest, PollSettingIsCheckedAndCanChange) {
  auto no_source = api("POST", "/projects", {{"name", "local"}, {"poll_seconds", 60}});
  EXPECT_EQ(no_source.status, 400) << no_source.body;
  auto negative = api("POST", "/projects", {{"name", "neg"}, {"source", upstream_}, {"poll_seconds", -5}});
  EXPECT_EQ(negative.status, 400);
  auto too_long =
      api("POST", "/projects", {{"name", "slow"}, {"source", upstream_}, {"poll_seconds", 10000000}});
  EXPECT_EQ(too_long.status, 400);

  create_project("quiet", {{"source", upstream_}});
  EXPECT_EQ(api("GET", "/projects/quiet").json()["poll_seconds"], 0);
  EXPECT_EQ(api("PATCH", "/projects/quiet", {{"name", "other"}}).status, 400);
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(run_count("quiet"), 0u);  // not polling

  auto set = cli({"project", "set", "quiet", "--poll", "2s"});
  EXPECT_EQ(set.exit_code, 0) << set.output;
  EXPECT_NE(set.output.find("polls its source every 2s"), std::string::npos) << set.output;
  EXPECT_EQ(api("GET", "/projects/quiet").json()["poll_seconds"], 2);
  EXPECT_EQ(wait_for_runs("quiet", 1, 30s).size(), 1u);

  auto off = cli({"project", "set", "quiet", "--poll", "off"});
  EXPECT_EQ(off.exit_code, 0) << off.output;
  EXPECT_EQ(api("GET", "/projects/quiet").json()["poll_seconds"], 0);
  auto bad = cli({"project", "set", "quiet", "--poll", "soon"});
  EXPECT_NE(bad.exit_code, 0);
}

class ScheduleTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    start_daemon();
  }

  nlohmann::json scheduled_runs(const std::string& project) {
    nlohmann::json out = nlohmann::json::array();
    nlohmann::json answer = api("GET", "/runs?project=" + project).json();
    for (const auto& run : answer["runs"]) {
      if (run["trigger"] == "schedule") out.push_back(run);
    }
    return out;
  }
};

// The one slow test: an every-minute schedule fires within about a minute, once per minute,
// also across a restart of the daemon.
TEST_F(ScheduleTest, EveryMinuteScheduleFiresOncePerMinute) {
  create_project("cron");
  auto work = make_repo("work",
                        {{"slipway.yml",
                          "on:\n  schedule:\n    - cron: \"* * * * *\"\n"
                          "steps:\n  a:\n    run: echo scheduled\n"}},
                        "scheduled commit");
  ASSERT_EQ(push(work, "cron").exit_code, 0);
  std::string commit = git(work, {"rev-parse", "HEAD"}).output.substr(0, 40);

  auto deadline = std::chrono::steady_clock::now() + 80s;
  nlohmann::json fired = nlohmann::json::array();
  while (fired.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(500ms);
    fired = scheduled_runs("cron");
  }
  ASSERT_EQ(fired.size(), 1u) << "no scheduled run within 80 s";
  auto run = wait_for_run(fired[0]["id"].get<std::int64_t>());
  EXPECT_EQ(run["status"], "success") << run.dump(2);
  EXPECT_EQ(run["branch"], "main");
  EXPECT_EQ(run["commit"], commit);
  EXPECT_EQ(run["message"], "scheduled commit");

  // Restarted within the same minute: the mark in the store keeps it from firing again.
  daemon_.stop();
  start_daemon();
  std::this_thread::sleep_for(7s);  // more than one check (every 5 s)
  std::set<std::string> minutes;
  auto all = scheduled_runs("cron");
  for (const auto& r : all) minutes.insert(r["created_at"].get<std::string>().substr(0, 16));
  EXPECT_EQ(minutes.size(), all.size()) << all.dump(2);  // never two runs for one cron time
}

TEST_F(ScheduleTest, InvalidScheduleFailsThePushedRunWithFileLineColumn) {
  create_project("badcron");
  auto work = make_repo("work", {{"slipway.yml",
                                  "on:\n  schedule:\n    - cron: \"61 * * * *\"\n"
                                  "steps:\n  a:\n    run: echo x\n"}});
  ASSERT_EQ(push(work, "badcron").exit_code, 0);
  auto runs = wait_for_runs("badcron", 1);
  ASSERT_EQ(runs.size(), 1u);
  auto run = wait_for_run(runs[0]["id"].get<std::int64_t>());
  EXPECT_EQ(run["status"], "failed");
  EXPECT_NE(
      step_log(run["id"].get<std::int64_t>(), 0)
          .find(
              "slipway.yml:3:13: invalid cron expression '61 * * * *': minute field '61': 61 is out of range "
              "0-59"),
      std::string::npos)
      << step_log(run["id"].get<std::int64_t>(), 0);
}

}  // namespace
}  // namespace slipway::testing
