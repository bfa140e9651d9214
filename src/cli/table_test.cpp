// Tests of table layout and character-aware widths and truncation.
#include "cli/table.h"

#include <gtest/gtest.h>

namespace slipway::cli {
namespace {

TEST(DisplayWidth, CountsCharactersNotBytes) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("héllo"), 5u);
  EXPECT_EQ(display_width("…"), 1u);
  EXPECT_EQ(display_width(""), 0u);
}

TEST(DisplayWidth, IgnoresColourSequences) {
  EXPECT_EQ(display_width("\x1b[32msuccess\x1b[0m"), 7u);
  EXPECT_EQ(display_width("\x1b[1;31mx"), 1u);
}

TEST(Truncate, CutsWithAnEllipsis) {
  EXPECT_EQ(truncate("Add a health check endpoint", 10), "Add a hea…");
  EXPECT_EQ(display_width(truncate("Add a health check endpoint", 10)), 10u);
  EXPECT_EQ(truncate("short", 10), "short");
  EXPECT_EQ(truncate("exactly10!", 10), "exactly10!");
  EXPECT_EQ(truncate("abc", 0), "");
  EXPECT_EQ(truncate("abc", 1), "…");
}

TEST(Truncate, NeverSplitsAUtf8Character) {
  EXPECT_EQ(truncate("ééééé", 3), "éé…");
  EXPECT_EQ(truncate("日本語のテキスト", 4), "日本語…");
}

TEST(Table, AlignsColumnsAndTrimsTrailingBlanks) {
  Table table({"ID", "PROJECT", "STATUS"});
  table.add_row({"7", "hello", "success"});
  table.add_row({"12", "a-long-name", ""});
  EXPECT_EQ(table.render(),
            "ID  PROJECT      STATUS\n"
            "7   hello        success\n"
            "12  a-long-name\n");
}

TEST(Table, TruncatesLongCellsAndAlignsRight) {
  Table table({"ID", "MESSAGE", "AGE"});
  table.set_right_aligned(0);
  table.set_max_width(1, 8);
  table.add_row({"7", "Fix the flaky test at last", "2m ago"});
  table.add_row({"123", "Tiny", "1h ago"});
  EXPECT_EQ(table.render(),
            " ID  MESSAGE   AGE\n"
            "  7  Fix the…  2m ago\n"
            "123  Tiny      1h ago\n");
}

TEST(Table, KeepsColouredAndNonAsciiCellsAligned) {
  Table table({"STATUS", "MESSAGE", "X"});
  table.add_row({"\x1b[32mok\x1b[0m", "café", "1"});
  table.add_row({"failed", "tea", "2"});
  EXPECT_EQ(table.render(),
            "STATUS  MESSAGE  X\n"
            "\x1b[32mok\x1b[0m      café     1\n"
            "failed  tea      2\n");
}

TEST(Table, PadsMissingCells) {
  Table table({"A", "B"});
  table.add_row({"x"});
  EXPECT_FALSE(table.empty());
  EXPECT_EQ(table.render(), "A  B\nx\n");
}

}  // namespace
}  // namespace slipway::cli
