// Tests of the live view of a followed run, fed events by hand.
#include "cli/live_view.h"

#include <gtest/gtest.h>

#include <sstream>

#include "util/error.h"

namespace slipway::cli {
namespace {

constexpr const char* kRun = R"({"id": 7, "project": "hello", "status": "running", "branch": "main",
  "commit": "3f2a9c1d0e5b", "message": "Add a health check", "reason": "",
  "started_at": "2026-11-26T07:00:00.000Z", "finished_at": null,
  "steps": [
    {"index": 0, "name": "setup", "status": "success", "exit_code": 0,
     "started_at": "2026-11-26T07:00:00.000Z", "finished_at": "2026-11-26T07:00:00.400Z"},
    {"index": 1, "name": "build", "status": "running", "exit_code": null,
     "started_at": "2026-11-26T07:00:00.400Z", "finished_at": null},
    {"index": 2, "name": "test", "status": "pending", "exit_code": null,
     "started_at": null, "finished_at": null}]})";

class LiveViewTest : public ::testing::Test {
 protected:
  LiveView make_view(std::optional<int> only_step = std::nullopt) {
    return LiveView(out_, LiveViewOptions{false, only_step, [] { return 1795676460000; }});
  }
  std::ostringstream out_;
};

TEST_F(LiveViewTest, PrefixesLogLinesWithTheirStep) {
  LiveView view = make_view();
  view.on_event({"", "run", kRun});
  out_.str("");
  view.on_event({"o=0,6,0", "log", R"({"step": 1, "offset": 0, "text": "cc -O2\nld\n"})"});
  view.on_event({"o=0,9,0", "log", R"({"step": 0, "offset": 0, "text": "cloned\n"})"});
  EXPECT_EQ(out_.str(),
            "build | cc -O2\n"
            "build | ld\n"
            "setup | cloned\n");
}

TEST_F(LiveViewTest, StepsThatEndedBeforeWeConnectedAreReportedAfterTheirReplayedLog) {
  LiveView view = make_view();
  view.on_event({"", "run", R"({"id": 8, "project": "hello", "status": "running", "branch": "main",
      "commit": "3f2a9c1d0e5b", "message": "", "steps": [
      {"index": 0, "name": "setup", "status": "success", "exit_code": 0, "log_size": 7},
      {"index": 1, "name": "lint", "status": "success", "exit_code": 0, "log_size": 0},
      {"index": 2, "name": "test", "status": "running", "exit_code": null, "log_size": 5}]})"});
  view.on_event({"", "log", R"({"step": 0, "offset": 0, "text": "cloned\n"})"});
  view.on_event({"", "log", R"({"step": 2, "offset": 0, "text": "ok 1\n"})"});
  EXPECT_EQ(out_.str(),
            "==> run 8 (hello, main @ 3f2a9c1): running\n"
            "setup | cloned\n"
            "==> setup: success (exit 0)\n"
            "==> lint: success (exit 0)\n"
            "test  | ok 1\n");
}

TEST_F(LiveViewTest, WritesAHeaderThenStateChanges) {
  LiveView view = make_view();
  view.on_event({"", "run", kRun});
  view.on_event({"", "step", R"({"index": 1, "name": "build", "status": "success", "exit_code": 0,
      "started_at": "2026-11-26T07:00:00.400Z", "finished_at": "2026-11-26T07:00:01.600Z"})"});
  view.on_event({"", "step", R"({"index": 2, "name": "test", "status": "running"})"});
  view.on_event({"", "step", R"({"index": 2, "name": "test", "status": "running"})"});  // no change
  // setup had finished before we connected (with no log): its state is reported at once.
  EXPECT_EQ(out_.str(),
            "==> run 7 (hello, main @ 3f2a9c1): running  Add a health check\n"
            "==> setup: success (exit 0, 0.4s)\n"
            "==> build: success (exit 0, 1.2s)\n"
            "==> test: running\n");
}

TEST_F(LiveViewTest, HoldsAnUnfinishedLineUntilItEnds) {
  LiveView view = make_view();
  view.on_event({"", "run", kRun});
  out_.str("");
  view.on_event({"", "log", R"({"step": 1, "text": "progress: 5"})"});
  EXPECT_EQ(out_.str(), "");
  view.on_event({"", "log", R"({"step": 1, "text": "0%\n"})"});
  EXPECT_EQ(out_.str(), "build | progress: 50%\n");
}

TEST_F(LiveViewTest, ShowsOnlyTheChosenStep) {
  LiveView view = make_view(2);
  view.on_event({"", "run", kRun});
  out_.str("");
  view.on_event({"", "log", R"({"step": 1, "text": "hidden\n"})"});
  view.on_event({"", "step", R"({"index": 1, "status": "success"})"});
  view.on_event({"", "log", R"({"step": 2, "text": "shown\n"})"});
  EXPECT_EQ(out_.str(), "test  | shown\n");
}

TEST_F(LiveViewTest, ReportsChangesMissedDuringAReconnect) {
  LiveView view = make_view();
  view.on_event({"", "run", kRun});
  out_.str("");
  nlohmann::json later = nlohmann::json::parse(kRun);
  later["steps"][1]["status"] = "failed";
  later["steps"][1]["exit_code"] = 2;
  later["steps"][1]["finished_at"] = "2026-11-26T07:00:03.400Z";
  view.on_event({"", "run", later.dump()});
  EXPECT_EQ(out_.str(), "==> build: failed (exit 2, 3.0s)\n");
}

TEST_F(LiveViewTest, EndsWithASummary) {
  LiveView view = make_view();
  view.on_event({"", "run", kRun});
  view.on_event({"", "log", R"({"step": 1, "text": "no newline at the end"})"});
  out_.str("");
  nlohmann::json end = nlohmann::json::parse(kRun);
  end["status"] = "failed";
  end["finished_at"] = "2026-11-26T07:00:05.000Z";
  end["steps"][1]["status"] = "failed";
  end["steps"][1]["exit_code"] = 1;
  end["steps"][1]["finished_at"] = "2026-11-26T07:00:05.000Z";
  end["steps"][2]["status"] = "skipped";
  view.on_event({"", "end", end.dump()});
  EXPECT_EQ(out_.str(),
            "build | no newline at the end\n"
            "==> build: failed (exit 1, 4.6s)\n"
            "==> test: skipped\n"
            "==> run 7 (hello, main @ 3f2a9c1): failed after 5.0s — build failed (exit 1)\n");
}

TEST_F(LiveViewTest, NeutralisesControlCharactersInNames) {
  LiveView view = make_view();
  view.on_event(
      {"", "run", R"({"id": 1, "status": "queued", "steps": [{"index": 0, "name": "a\u001b[2Jb"}]})"});
  out_.str("");
  view.on_event({"", "log", R"({"step": 0, "text": "x\n"})"});
  EXPECT_EQ(out_.str(), "a?[2Jb | x\n");
}

TEST_F(LiveViewTest, IgnoresUnknownEventsAndRejectsBadData) {
  LiveView view = make_view();
  view.on_event({"", "message", "whatever"});
  EXPECT_EQ(out_.str(), "");
  EXPECT_THROW(view.on_event({"", "log", "{broken"}), util::Error);
}

}  // namespace
}  // namespace slipway::cli
