// Tests of exit statuses, run summaries, the runs table and the status view.
#include "cli/run_report.h"

#include <gtest/gtest.h>

#include "cli/exit_status.h"

namespace slipway::cli {
namespace {

constexpr std::int64_t kNow = 1795676520000;  // 2026-11-26T07:02:00Z

nlohmann::json finished_run(const char* status) {
  auto run = nlohmann::json::parse(R"({"id": 7, "project": "hello", "branch": "main", "trigger": "push",
    "commit": "3f2a9c1d0e5b", "message": "Add a health check", "reason": "",
    "created_at": "2026-11-26T06:59:58.000Z",
    "started_at": "2026-11-26T07:00:00.000Z", "finished_at": "2026-11-26T07:00:12.300Z",
    "steps": [
      {"index": 0, "name": "setup", "status": "success", "exit_code": 0, "reason": "",
       "started_at": "2026-11-26T07:00:00.000Z", "finished_at": "2026-11-26T07:00:00.400Z"},
      {"index": 1, "name": "test", "status": "failed", "exit_code": 1, "reason": "",
       "started_at": "2026-11-26T07:00:00.400Z", "finished_at": "2026-11-26T07:00:12.300Z"}]})");
  run["status"] = status;
  return run;
}

TEST(ExitStatus, ReflectsTheRunsResult) {
  EXPECT_EQ(exit_status_for_run("success"), kExitSuccess);
  EXPECT_EQ(exit_status_for_run("skipped"), kExitSuccess);
  EXPECT_EQ(exit_status_for_run("failed"), kExitFailure);
  EXPECT_EQ(exit_status_for_run("cancelled"), kExitCancelled);
  EXPECT_EQ(exit_status_for_run("interrupted"), kExitCancelled);
  EXPECT_EQ(exit_status_for_run("running"), kExitSuccess);
  EXPECT_FALSE(is_finished_status("queued"));
  EXPECT_TRUE(is_finished_status("skipped"));
}

TEST(SummaryLine, SaysHowTheRunEnded) {
  EXPECT_EQ(summary_line(finished_run("success"), false, kNow),
            "run 7 (hello, main @ 3f2a9c1): success in 12.3s");
  EXPECT_EQ(summary_line(finished_run("failed"), false, kNow),
            "run 7 (hello, main @ 3f2a9c1): failed after 12.3s — test failed (exit 1)");
  auto cancelled = finished_run("cancelled");
  cancelled["reason"] = "cancelled by admin";
  EXPECT_EQ(summary_line(cancelled, false, kNow),
            "run 7 (hello, main @ 3f2a9c1): cancelled after 12.3s — cancelled by admin");
}

TEST(SummaryLine, DescribesUnfinishedRuns) {
  auto running = finished_run("running");
  running["finished_at"] = nullptr;
  EXPECT_EQ(summary_line(running, false, kNow), "run 7 (hello, main @ 3f2a9c1): running for 2m00s");
  auto queued = finished_run("queued");
  queued["started_at"] = nullptr;
  EXPECT_EQ(summary_line(queued, false, kNow), "run 7 (hello, main @ 3f2a9c1): queued");
}

TEST(SummaryLine, ColoursTheStatusOnlyWhenAsked) {
  EXPECT_NE(summary_line(finished_run("success"), true, kNow).find("\x1b[32msuccess\x1b[0m"),
            std::string::npos);
}

TEST(StepOutcome, ShowsExitCodeDurationAndReason) {
  nlohmann::json step = {{"status", "failed"},
                         {"exit_code", 124},
                         {"reason", "timed out after 10m"},
                         {"started_at", "2026-11-26T07:00:00.000Z"},
                         {"finished_at", "2026-11-26T07:10:00.000Z"}};
  EXPECT_EQ(step_outcome(step, kNow), " (exit 124, 10m00s) — timed out after 10m");
  step["exit_code"] = 3;
  step["reason"] = "exit status 3";
  EXPECT_EQ(step_outcome(step, kNow), " (exit 3, 10m00s)");
  EXPECT_EQ(step_outcome({{"status", "skipped"}, {"exit_code", nullptr}}, kNow), "");
  EXPECT_EQ(step_outcome({{"status", "running"}}, kNow), "");
}

TEST(RunsTable, ShowsOneLinePerRun) {
  auto failed = finished_run("failed");
  failed["message"] = "A commit message much longer than the forty columns it may use";
  auto queued = finished_run("queued");
  queued["id"] = 8;
  queued["started_at"] = nullptr;
  queued["finished_at"] = nullptr;
  queued["commit"] = "";
  EXPECT_EQ(
      runs_table(nlohmann::json::array({queued, failed}), false, kNow),
      "ID  PROJECT  STATUS  BRANCH  COMMIT   MESSAGE                                   CREATED  TIME\n"
      " 8  hello    queued  main             Add a health check                        2m ago\n"
      " 7  hello    failed  main    3f2a9c1  A commit message much longer than the f…  2m ago   12.3s\n");
}

TEST(RunDetails, ListsFieldsAndSteps) {
  EXPECT_EQ(run_details(finished_run("failed"), false, kNow),
            "run 7  failed  (exit status 1)\n"
            "  project  hello\n"
            "  branch   main\n"
            "  commit   3f2a9c1  Add a health check\n"
            "  trigger  push\n"
            "  created  2m ago\n"
            "  took     12.3s\n"
            "\n"
            "#  STEP   STATUS   EXIT  TIME   REASON\n"
            "0  setup  success  0     0.4s\n"
            "1  test   failed   1     11.9s\n");
}

}  // namespace
}  // namespace slipway::cli
