#include "scm/remote_heads.h"

#include <gtest/gtest.h>

namespace slipway::scm {
namespace {

const std::string A(40, 'a');
const std::string B(40, 'b');
const std::string C(40, 'c');

TEST(RemoteHeads, ParsesBranchesAndTagsAndPeelsAnnotatedTags) {
  auto heads = parse_ls_remote(A + "\tHEAD\n" + A + "\trefs/heads/main\n" + B + "\trefs/heads/feature/x\n" +
                               C + "\trefs/tags/v1\n" + A + "\trefs/tags/v1^{}\n" + B +
                               "\trefs/tags/light\n" + C + "\trefs/pull/1/head\n");
  EXPECT_EQ(
      heads,
      (RemoteHeads{
          {"refs/heads/main", A}, {"refs/heads/feature/x", B}, {"refs/tags/v1", A}, {"refs/tags/light", B}}));
}

TEST(RemoteHeads, IgnoresNoiseAndBadIds) {
  auto heads = parse_ls_remote("warning: redirecting to https://example.com/\n" + std::string(39, 'a') +
                               "\trefs/heads/short\n" + std::string(40, 'A') + "\trefs/heads/upper\n" + A +
                               " refs/heads/space\n" + A + "\trefs/heads/\n" + B + "\trefs/heads/ok\r\n");
  EXPECT_EQ(heads, (RemoteHeads{{"refs/heads/ok", B}}));
  EXPECT_TRUE(parse_ls_remote("").empty());
}

TEST(RemoteHeads, FirstPollRunsOnlyTheDefaultBranch) {
  RemoteHeads current{{"refs/heads/main", A}, {"refs/heads/dev", B}, {"refs/tags/v1", C}};
  auto updates = updated_heads(std::nullopt, current, "main");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].name, "main");
  EXPECT_EQ(updates[0].commit, A);
  EXPECT_FALSE(updates[0].tag);
  EXPECT_TRUE(updated_heads(std::nullopt, current, "trunk").empty());
}

TEST(RemoteHeads, NewAndMovedHeadsRunDeletedOnesDoNot) {
  RemoteHeads before{{"refs/heads/main", A}, {"refs/heads/gone", A}, {"refs/heads/same", B}};
  RemoteHeads now{{"refs/heads/main", B}, {"refs/heads/same", B}, {"refs/heads/new", C}, {"refs/tags/v2", C}};
  auto updates = updated_heads(before, now, "main");
  ASSERT_EQ(updates.size(), 3u);
  EXPECT_EQ(updates[0].name, "main");
  EXPECT_EQ(updates[0].commit, B);
  EXPECT_EQ(updates[1].name, "new");
  EXPECT_EQ(updates[2].name, "v2");
  EXPECT_TRUE(updates[2].tag);
  EXPECT_TRUE(updated_heads(now, now, "main").empty());
  EXPECT_TRUE(
      updated_heads(before, RemoteHeads{{"refs/heads/main", A}, {"refs/heads/same", B}}, "main").empty());
}

// Names a hostile server advertises never become runs.
TEST(RemoteHeads, NamesAPushCouldNotMakeAreIgnored) {
  RemoteHeads before{{"refs/heads/main", A}};
  RemoteHeads now{{"refs/heads/main", A}, {"refs/heads/-x", B}, {"refs/heads/a..b", B}, {"refs/heads/ok", C}};
  auto updates = updated_heads(before, now, "main");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].name, "ok");
}

}  // namespace
}  // namespace slipway::scm
