#include "scm/names.h"

#include <gtest/gtest.h>


namespace slipway::scm {
namespace {

TEST(Names, ProjectNames) {
  EXPECT_TRUE(valid_project_name("app"));
  EXPECT_TRUE(valid_project_name("my-app_2.web"));
  for (const char* bad : {"", "-rf", ".hidden", "a/b", "a..b", "app.git", "a b", "x$(id)"}) {
    EXPECT_FALSE(valid_project_name(bad)) << bad;
  }
  EXPECT_FALSE(valid_project_name(std::string(65, 'a')));
}

TEST(Names, BranchNames) {
  EXPECT_TRUE(valid_branch_name("main"));
  EXPECT_TRUE(valid_branch_name("release/1.2"));
  EXPECT_TRUE(valid_branch_name("x$(touch${IFS}pwned)"));  // odd but legal in git; only ever an env value
  for (const char* bad : {"", "a..b", "a b", "x\x1b[31m", "ends.lock", "-", "a//b", "@{"}) {
    EXPECT_FALSE(valid_branch_name(bad)) << bad;
  }
}

TEST(Names, RedactUrlHidesCredentials) {
  EXPECT_EQ(redact_url("https://user:s3cret@git.example.com/acme/app.git"), "https://***@git.example.com/acme/app.git");
  EXPECT_EQ(redact_url("https://token@host/x@y.git"), "https://***@host/x@y.git");
  EXPECT_EQ(redact_url("https://git.example.com/acme/app.git"), "https://git.example.com/acme/app.git");
  EXPECT_EQ(redact_url("git@github.com:acme/app.git"), "git@github.com:acme/app.git");
  EXPECT_EQ(redact_url("/srv/git/app.git"), "/srv/git/app.git");
}

}  // namespace
}  // namespace slipway::scm
