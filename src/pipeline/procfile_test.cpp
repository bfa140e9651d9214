// Tests for parse_procfile().
#include "pipeline/procfile.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace slipway::pipeline {
namespace {

std::string errors(std::string_view text) {
  auto processes = parse_procfile(text);
  return processes ? "(no error)" : processes.error();
}

TEST(Procfile, ParsesProcessTypesCommentsAndBlankLines) {
  auto processes = parse_procfile(
      "# processes\n"
      "web: gunicorn app:app --bind 127.0.0.1:$PORT\n"
      "\n"
      "worker:python worker.py   \n"
      "  # indented comment\n"
      "release: ./migrate");
  ASSERT_TRUE(processes) << processes.error();
  ASSERT_EQ(processes->size(), 3u);
  EXPECT_EQ((*processes)[0].name, "web");
  EXPECT_EQ((*processes)[0].command, "gunicorn app:app --bind 127.0.0.1:$PORT");
  EXPECT_EQ((*processes)[0].line, 2);
  EXPECT_EQ((*processes)[1].name, "worker");
  EXPECT_EQ((*processes)[1].command, "python worker.py");
  EXPECT_EQ((*processes)[1].line, 4);
  EXPECT_EQ((*processes)[2].name, "release");
  EXPECT_EQ((*processes)[2].line, 6);
}

TEST(Procfile, AcceptsWindowsLineEndings) {
  auto processes = parse_procfile("web: run-server\r\nclock_2: tick\r\n");
  ASSERT_TRUE(processes) << processes.error();
  EXPECT_EQ((*processes)[0].command, "run-server");
  EXPECT_EQ((*processes)[1].name, "clock_2");
}

TEST(Procfile, LineWithoutColon) {
  EXPECT_EQ(errors("web: x\n  gunicorn app\n"), "Procfile:2:3: expected 'name: command'");
}

TEST(Procfile, InvalidName) {
  EXPECT_EQ(errors("web app: x\n"),
            "Procfile:1:1: invalid process type name 'web app': use letters, digits, '_' and '-'");
  EXPECT_EQ(errors(": x\n"), "Procfile:1:1: missing process type name before ':'");
  EXPECT_EQ(errors(std::string(64, 'a') + ": x\n"),
            "Procfile:1:1: process type name is too long (at most 63 characters)");
}

TEST(Procfile, EmptyCommand) {
  EXPECT_EQ(errors("web: x\nworker:   \n"), "Procfile:2:8: empty command for process type 'worker'");
}

TEST(Procfile, DuplicateName) {
  EXPECT_EQ(errors("web: a\nweb: b\n"),
            "Procfile:2:1: duplicate process type 'web' (first defined on line 1)");
}

TEST(Procfile, NoProcessTypes) {
  EXPECT_EQ(errors(""), "Procfile:1:1: no process types defined");
  EXPECT_EQ(errors("# only a comment\n\n"), "Procfile:1:1: no process types defined");
}

TEST(Procfile, ReportsEveryProblemInOrder) {
  EXPECT_EQ(errors("web: a\nbad\nweb: b\nx:\n"),
            "Procfile:2:1: expected 'name: command'\n"
            "Procfile:3:1: duplicate process type 'web' (first defined on line 1)\n"
            "Procfile:4:3: empty command for process type 'x'");
}

TEST(Procfile, UsesTheGivenFileName) {
  auto processes = parse_procfile("bad\n", "app/Procfile");
  ASSERT_FALSE(processes);
  EXPECT_EQ(processes.error(), "app/Procfile:1:1: expected 'name: command'");
}

TEST(Procfile, LimitsSizeAndErrorCount) {
  EXPECT_EQ(errors(std::string(1024 * 1024 + 1, '#')),
            "Procfile:1:1: file is too large: 1048577 bytes (at most 1 MiB)");
  std::string many;
  for (int i = 0; i < 150; ++i) many += "bad\n";
  std::string report = errors(many);
  EXPECT_EQ(std::count(report.begin(), report.end(), '\n'), 100);
  EXPECT_NE(report.find("Procfile:101:1: too many errors; 50 more not shown"), std::string::npos);
}

}  // namespace
}  // namespace slipway::pipeline
