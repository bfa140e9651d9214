// Tests of app log lines: splitting, tails and merging processes by time.
#include "cli/log_merge.h"

#include <gtest/gtest.h>

namespace slipway::cli {
namespace {

using Lines = std::vector<std::string>;

TEST(SplitLines, KeepsAnUnfinishedLastLine) {
  EXPECT_EQ(split_lines("a\nb\n"), (Lines{"a", "b"}));
  EXPECT_EQ(split_lines("a\n\nb"), (Lines{"a", "", "b"}));
  EXPECT_EQ(split_lines(""), Lines{});
}

TEST(LastLines, KeepsTheEnd) {
  EXPECT_EQ(last_lines({"a", "b", "c"}, 2), (Lines{"b", "c"}));
  EXPECT_EQ(last_lines({"a"}, 5), (Lines{"a"}));
  EXPECT_EQ(last_lines({"a"}, 0), Lines{});
}

TEST(WithoutFirstLine, DropsTheCutLineOfATail) {
  EXPECT_EQ(without_first_line("ine\nnext\n"), "next\n");
  EXPECT_EQ(without_first_line("no newline"), "");
}

TEST(MergeByTimestamp, InterleavesProcessesInTimeOrder) {
  Lines web = {"2026-11-26T10:00:00.100Z web.1 | GET /", "2026-11-26T10:00:02.000Z web.1 | GET /about"};
  Lines worker = {"2026-11-26T10:00:00.050Z worker.1 | tick", "2026-11-26T10:00:01.000Z worker.1 | tick"};
  EXPECT_EQ(merge_by_timestamp({web, worker}),
            (Lines{worker[0], web[0], worker[1], web[1]}));
}

TEST(MergeByTimestamp, KeepsContinuationLinesWithTheirLine) {
  Lines web = {"2026-11-26T10:00:01.000Z web.1 | Traceback:", "  File \"app.py\", line 3",
               "2026-11-26T10:00:03.000Z web.1 | ok"};
  Lines worker = {"2026-11-26T10:00:02.000Z worker.1 | tick"};
  EXPECT_EQ(merge_by_timestamp({web, worker}), (Lines{web[0], web[1], worker[0], web[2]}));
}

TEST(MergeByTimestamp, BreaksTiesByLogOrderAndNeverReordersALog) {
  Lines web = {"2026-11-26T10:00:05.000Z web.1 | late", "2026-11-26T10:00:01.000Z web.1 | clock stepped back"};
  Lines worker = {"2026-11-26T10:00:05.000Z worker.1 | same time"};
  EXPECT_EQ(merge_by_timestamp({web, worker}), (Lines{web[0], web[1], worker[0]}));
  EXPECT_EQ(merge_by_timestamp({}), Lines{});
  EXPECT_EQ(merge_by_timestamp({{}, {"x"}}), (Lines{"x"}));
}

TEST(LineBuffer, HoldsBackAnUnfinishedLine) {
  LineBuffer buffer;
  EXPECT_EQ(buffer.feed("first\nsec"), (Lines{"first"}));
  EXPECT_EQ(buffer.feed("ond"), Lines{});
  EXPECT_EQ(buffer.feed("\nthird\n"), (Lines{"second", "third"}));
  buffer.feed("half");
  buffer.reset();
  EXPECT_EQ(buffer.feed("new\n"), (Lines{"new"}));
}

}  // namespace
}  // namespace slipway::cli
