// Tests of splitting a request target into a decoded path and query.
#include "http/request.h"

#include <gtest/gtest.h>

namespace slipway::http {
namespace {

using Query = std::map<std::string, std::string>;

struct Target {
  std::string path;
  Query query;
};

Target parse(std::string_view target) {
  Target out;
  parse_target(target, out.path, out.query);
  return out;
}

TEST(ParseTarget, PathWithoutQuery) {
  auto t = parse("/api/v1/projects");
  EXPECT_EQ(t.path, "/api/v1/projects");
  EXPECT_TRUE(t.query.empty());
}

TEST(ParseTarget, DecodesPathAndQuery) {
  auto t = parse("/api/v1/projects/my%20app/runs?branch=feature%2Flogin&status=queued");
  EXPECT_EQ(t.path, "/api/v1/projects/my app/runs");
  EXPECT_EQ(t.query, (Query{{"branch", "feature/login"}, {"status", "queued"}}));
}

TEST(ParseTarget, PlusIsASpaceInTheQueryOnly) {
  auto t = parse("/a+b?q=c+d&r=e%2Bf");
  EXPECT_EQ(t.path, "/a+b");
  EXPECT_EQ(t.query, (Query{{"q", "c d"}, {"r", "e+f"}}));
}

TEST(ParseTarget, EmptyValuesAndBareKeys) {
  auto t = parse("/x?a=&b&&c=1&");
  EXPECT_EQ(t.query, (Query{{"a", ""}, {"b", ""}, {"c", "1"}}));
}

TEST(ParseTarget, TheLastOfRepeatedKeysWins) {
  EXPECT_EQ(parse("/x?limit=1&limit=2").query, (Query{{"limit", "2"}}));
}

TEST(ParseTarget, OnlyTheFirstEqualsSplits) { EXPECT_EQ(parse("/x?a=b=c").query, (Query{{"a", "b=c"}})); }

TEST(ParseTarget, DecodesEscapedKeys) {
  EXPECT_EQ(parse("/x?before%5Fid=7").query, (Query{{"before_id", "7"}}));
}

TEST(ParseTarget, EmptyQuery) {
  auto t = parse("/x?");
  EXPECT_EQ(t.path, "/x");
  EXPECT_TRUE(t.query.empty());
}

}  // namespace
}  // namespace slipway::http
