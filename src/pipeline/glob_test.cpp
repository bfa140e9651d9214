// Tests for glob_match() and BranchFilter::matches().
#include "pipeline/glob.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "pipeline/pipeline_file.h"

namespace slipway::pipeline {
namespace {

TEST(Glob, Literal) {
  EXPECT_TRUE(glob_match("main", "main"));
  EXPECT_FALSE(glob_match("main", "mainline"));
  EXPECT_FALSE(glob_match("main", "mai"));
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "x"));
}

TEST(Glob, StarStaysWithinASegment) {
  EXPECT_TRUE(glob_match("release/*", "release/1.0"));
  EXPECT_TRUE(glob_match("release/*", "release/"));
  EXPECT_FALSE(glob_match("release/*", "release/1.0/hotfix"));
  EXPECT_FALSE(glob_match("release/*", "release"));
  EXPECT_TRUE(glob_match("*", "main"));
  EXPECT_FALSE(glob_match("*", "feature/x"));
  EXPECT_TRUE(glob_match("feat*-x", "feature-x"));
  EXPECT_TRUE(glob_match("*/*", "a/b"));
}

TEST(Glob, DoubleStarCrossesSegments) {
  EXPECT_TRUE(glob_match("feature/**", "feature/a/b/c"));
  EXPECT_TRUE(glob_match("**", "any/thing/at/all"));
  EXPECT_TRUE(glob_match("**/fix", "a/b/fix"));
  EXPECT_FALSE(glob_match("**/fix", "a/b/fixes"));
  EXPECT_TRUE(glob_match("a/***", "a/b/c"));
}

TEST(Glob, QuestionMarkIsOneCharacterOtherThanSlash) {
  EXPECT_TRUE(glob_match("v?", "v1"));
  EXPECT_FALSE(glob_match("v?", "v"));
  EXPECT_FALSE(glob_match("v?", "v12"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
}

TEST(Glob, PathologicalPatternsStayFast) {
  std::string text(200, 'a');
  std::string pattern;
  for (int i = 0; i < 100; ++i) pattern += "*a";
  pattern += "b";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(glob_match(pattern, text));
  EXPECT_FALSE(glob_match(std::string(1000, '*') + "b", std::string(1000, 'a')));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(BranchFilter, EmptyMatchesEverything) { EXPECT_TRUE(BranchFilter{}.matches("anything/at/all")); }

TEST(BranchFilter, AnyPatternMatches) {
  BranchFilter filter{{"main", "release/*"}};
  EXPECT_TRUE(filter.matches("main"));
  EXPECT_TRUE(filter.matches("release/2.1"));
  EXPECT_FALSE(filter.matches("feature/x"));
}

}  // namespace
}  // namespace slipway::pipeline
