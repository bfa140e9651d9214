// Tests of where the state lives under --home.
#include "store/home_layout.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace slipway::store {
namespace {

TEST(HomeLayout, PathsUnderTheHome) {
  HomeLayout layout("/srv/slipway");
  EXPECT_EQ(layout.home(), "/srv/slipway");
  EXPECT_EQ(layout.database(), "/srv/slipway/slipway.db");
  EXPECT_EQ(layout.lock_file(), "/srv/slipway/slipway.lock");
  EXPECT_EQ(layout.repos_dir(), "/srv/slipway/repos");
  EXPECT_EQ(layout.repo("app"), "/srv/slipway/repos/app.git");
  EXPECT_EQ(layout.workspaces_dir(), "/srv/slipway/workspaces");
  EXPECT_EQ(layout.workspace(12), "/srv/slipway/workspaces/12");
  EXPECT_EQ(layout.logs_dir(), "/srv/slipway/logs");
  EXPECT_EQ(layout.run_logs(12), "/srv/slipway/logs/12");
  EXPECT_EQ(layout.step_log(12, 0), "/srv/slipway/logs/12/0.log");
}

TEST(HomeLayout, NormalisesTrailingSlashesAndDots) {
  EXPECT_EQ(HomeLayout("/srv/slipway/").home(), "/srv/slipway");
  EXPECT_EQ(HomeLayout("/srv/slipway///").database(), "/srv/slipway/slipway.db");
  EXPECT_EQ(HomeLayout("/srv//x/../slipway/.").home(), "/srv/slipway");
}

TEST(HomeLayout, MakesARelativeHomeAbsolute) {
  HomeLayout layout("state/");
  EXPECT_EQ(layout.home(), (std::filesystem::current_path() / "state").string());
}

TEST(HomeLayout, CreatesItsDirectories) {
  char pattern[] = "/tmp/slipway-home-test-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  std::string dir = pattern;
  HomeLayout layout(dir + "/home/");
  layout.create_directories();
  layout.create_directories();  // again: already there is fine
  EXPECT_TRUE(std::filesystem::is_directory(layout.repos_dir()));
  EXPECT_TRUE(std::filesystem::is_directory(layout.workspaces_dir()));
  EXPECT_TRUE(std::filesystem::is_directory(layout.logs_dir()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace slipway::store
