// The live event stream of a run (SSE) and the CLI that follows it.
#include <thread>

#include "daemon_fixture.h"

namespace slipway::testing {
namespace {

using namespace std::chrono_literals;

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
};

std::vector<SseEvent> parse_events(const std::string& stream) {
  std::vector<SseEvent> events;
  SseEvent current;
  std::size_t start = 0;
  while (start < stream.size()) {
    auto end = stream.find('\n', start);
    if (end == std::string::npos) break;
    std::string line = stream.substr(start, end - start);
    start = end + 1;
    if (line.empty()) {
      if (!current.event.empty() || !current.data.empty()) events.push_back(current);
      current = {};
    } else if (line.rfind("id: ", 0) == 0) {
      current.id = line.substr(4);
    } else if (line.rfind("event: ", 0) == 0) {
      current.event = line.substr(7);
    } else if (line.rfind("data: ", 0) == 0) {
      current.data += (current.data.empty() ? "" : "\n") + line.substr(6);
    }
  }
  return events;
}

std::string log_text(const std::vector<SseEvent>& events, int step) {
  std::string text;
  for (const auto& e : events) {
    if (e.event != "log") continue;
    auto data = nlohmann::json::parse(e.data);
    if (data["step"] == step) text += data["text"].get<std::string>();
  }
  return text;
}

class LiveEventsTest : public SlipwayTest {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    start_daemon();
    create_project("app");
  }
};

TEST_F(LiveEventsTest, StreamCarriesStateChangesAndEveryLogLineThenEnds) {
  auto repo = make_repo("sse", {{"slipway.yml", R"(steps:
  count:
    run: for i in $(seq 1 200); do echo "line $i"; if [ $((i % 50)) = 0 ]; then sleep 0.2; fi; done
  after:
    run: printf 'no newline at the end'
)"}});
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  auto id = wait_for_runs("app", 1)[0]["id"].get<std::int64_t>();
  auto stream = read_event_stream(daemon_.url(), "/api/v1/runs/" + std::to_string(id) + "/events",
                                  {{"Authorization", "Bearer " + admin_token_}}, 60);
  auto events = parse_events(stream);
  ASSERT_FALSE(events.empty()) << stream;
  EXPECT_EQ(events.front().event, "run");
  EXPECT_EQ(events.back().event, "end");
  EXPECT_EQ(nlohmann::json::parse(events.back().data)["status"], "success");
  std::string expected;
  for (int i = 1; i <= 200; ++i) expected += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(log_text(events, 1), expected);
  EXPECT_EQ(log_text(events, 2), "no newline at the end");
  bool saw_step_success = false;
  for (const auto& e : events) {
    if (e.event == "step" && nlohmann::json::parse(e.data)["name"] == "count" &&
        nlohmann::json::parse(e.data)["status"] == "success") {
      saw_step_success = true;
    }
  }
  EXPECT_TRUE(saw_step_success);
}

TEST_F(LiveEventsTest, LastEventIdResumesWithoutLossOrRepeat) {
  // Step a prints more than one event carries, so the cut falls inside its log.
  auto repo = make_repo("resume", {{"slipway.yml", "steps:\n  a:\n    run: seq 1 100000\n  b:\n    run: seq 5000 5100\n"}});
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  auto id = wait_for_run(wait_for_runs("app", 1)[0]["id"].get<std::int64_t>())["id"].get<std::int64_t>();
  std::map<std::string, std::string> auth{{"Authorization", "Bearer " + admin_token_}};
  std::string target = "/api/v1/runs/" + std::to_string(id) + "/events";
  auto all = parse_events(read_event_stream(daemon_.url(), target, auth, 30));
  // Cut the stream after the first log event of step 1 (more of its log follows)
  // and resume from that event's id.
  std::size_t cut = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].event == "log" && nlohmann::json::parse(all[i].data)["step"] == 1) {
      cut = i;
      break;
    }
  }
  ASSERT_GT(cut, 0u);
  auto first_part = std::vector<SseEvent>(all.begin(), all.begin() + static_cast<long>(cut) + 1);
  ASSERT_LT(log_text(first_part, 1).size(), step_log(id, 1).size());
  auth["Last-Event-ID"] = all[cut].id;
  auto rest = parse_events(read_event_stream(daemon_.url(), target, auth, 30));
  for (int step = 0; step <= 2; ++step) {
    EXPECT_EQ(log_text(first_part, step) + log_text(rest, step), step_log(id, step)) << "step " << step;
    EXPECT_EQ(log_text(all, step), step_log(id, step)) << "step " << step;
  }
}

TEST_F(LiveEventsTest, ManyFollowersDoNotStallTheApi) {
  auto repo = make_repo("many", {{"slipway.yml", "steps:\n  slow:\n    run: for i in $(seq 1 20); do echo tick $i; sleep 0.1; done\n"}});
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  auto id = wait_for_runs("app", 1)[0]["id"].get<std::int64_t>();
  std::vector<std::string> results(100);
  std::vector<std::thread> followers;
  for (int i = 0; i < 100; ++i) {
    followers.emplace_back([&, i] {
      try {
        results[static_cast<std::size_t>(i)] = read_event_stream(
            daemon_.url(), "/api/v1/runs/" + std::to_string(id) + "/events",
            {{"Authorization", "Bearer " + admin_token_}}, 60);
      } catch (const std::exception& e) {
        results[static_cast<std::size_t>(i)] = e.what();
      }
    });
  }
  // While they follow, the API still answers.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(api("GET", "/runs?project=app").status, 200);
    std::this_thread::sleep_for(50ms);
  }
  for (auto& t : followers) t.join();
  std::string expected;
  for (int i = 1; i <= 20; ++i) expected += "tick " + std::to_string(i) + "\n";
  for (const auto& r : results) EXPECT_EQ(log_text(parse_events(r), 1), expected);
}

TEST_F(LiveEventsTest, CliRunWaitExitStatusFollowsTheRun) {
  auto repo = make_repo("cli", {{"slipway.yml", "steps:\n  build:\n    run: echo cli-build-output\n"}});
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  wait_for_run(wait_for_runs("app", 1)[0]["id"].get<std::int64_t>());

  auto ok = cli({"run", "app", "--wait"});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  auto followed = cli({"run", "app", "--follow"});
  EXPECT_EQ(followed.exit_code, 0) << followed.output;
  EXPECT_NE(followed.output.find("cli-build-output"), std::string::npos) << followed.output;

  commit(repo, {{"slipway.yml", "steps:\n  build:\n    run: echo failing; exit 1\n"}}, "break it");
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  wait_for_runs("app", 4);
  auto failed = cli({"run", "app", "--wait"});
  EXPECT_EQ(failed.exit_code, 1) << failed.output;

  auto runs = cli({"runs", "--project", "app", "--json"});
  EXPECT_EQ(runs.exit_code, 0) << runs.output;
  auto json = nlohmann::json::parse(runs.output, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << runs.output;
  EXPECT_GE(json["runs"].size(), 4u);

  auto table = cli({"runs", "--project", "app"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.output.find("failed"), std::string::npos) << table.output;

  auto id = std::to_string(json["runs"][0]["id"].get<std::int64_t>());
  auto logs = cli({"logs", id});
  EXPECT_EQ(logs.exit_code, 0) << logs.output;
  EXPECT_NE(logs.output.find("failing"), std::string::npos) << logs.output;
  auto status = cli({"status", id});
  EXPECT_NE(status.output.find("build"), std::string::npos) << status.output;

  auto no_token = cli({"project", "create", "x"}, "");
  EXPECT_NE(no_token.exit_code, 0);
  EXPECT_NE(no_token.output.find("token"), std::string::npos) << no_token.output;
}

TEST_F(LiveEventsTest, LogsLargerThanOneAnswerArriveWhole) {
  auto repo = make_repo("big", {{"slipway.yml", "steps:\n  loud:\n    run: yes 0123456789 | head -c 20000000\n"}});
  ASSERT_EQ(push(repo, "app").exit_code, 0);
  auto id = wait_for_run(wait_for_runs("app", 1)[0]["id"].get<std::int64_t>())["id"].get<std::int64_t>();
  auto first = api("GET", "/runs/" + std::to_string(id) + "/steps/1/log");
  EXPECT_EQ(first.headers["x-log-size"], "20000000");
  EXPECT_LT(first.body.size(), 20000000u);  // one answer is capped; the client pages
  auto logs = cli({"logs", std::to_string(id), "--step", "loud"});
  EXPECT_EQ(logs.exit_code, 0);
  EXPECT_EQ(logs.output.size(), 20000001u);  // the CLI ends the unterminated last line
  EXPECT_EQ(logs.output.substr(19999990), "\n012345678\n");
}

TEST_F(LiveEventsTest, CliManagesProjectsAndTokens) {
  auto created = cli({"project", "create", "made-by-cli"});
  EXPECT_EQ(created.exit_code, 0) << created.output;
  auto list = cli({"project", "list"});
  EXPECT_NE(list.output.find("made-by-cli"), std::string::npos) << list.output;
  auto token = run_command({SLIPWAY_BINARY, "token", "create", "--home", home_, "--role", "viewer"}, root_);
  ASSERT_EQ(token.exit_code, 0) << token.output;
  std::string viewer = token.output.substr(0, token.output.find('\n'));
  EXPECT_EQ(viewer.rfind("slw_", 0), 0u) << token.output;
  EXPECT_EQ(api("GET", "/projects", nullptr, viewer).status, 200);
  auto denied = cli({"project", "delete", "made-by-cli"}, viewer);
  EXPECT_NE(denied.exit_code, 0);
  auto deleted = cli({"project", "delete", "made-by-cli"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_EQ(api("GET", "/projects/made-by-cli").status, 404);
}

}  // namespace
}  // namespace slipway::testing
