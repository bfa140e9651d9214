// Tests of release trees, the symlink switch, pruning and remove_tree().
#include "deploy/release_directory.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/error.h"

namespace slipway::deploy {
namespace {

namespace fs = std::filesystem;

class ReleaseDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-release-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories(fs::path(path(name)).parent_path());
    std::ofstream(path(name)) << text;
  }
  std::string read(const std::string& name) {
    std::ifstream in(path(name));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string dir_;
};

TEST_F(ReleaseDirectoryTest, MovesTheWorkspaceWithoutGit) {
  write("workspaces/7/app.py", "app = 1\n");
  write("workspaces/7/static/site.css", "body{}");
  write("workspaces/7/.git/HEAD", "ref: refs/heads/main\n");
  write("workspaces/7/.gitignore", "*.pyc\n");
  ::chmod(path("workspaces/7/app.py").c_str(), 0755);

  make_release_tree(path("workspaces/7"), path("releases/hello/3-abcdef1"));

  EXPECT_FALSE(fs::exists(path("workspaces/7")));
  EXPECT_EQ(read("releases/hello/3-abcdef1/app.py"), "app = 1\n");
  EXPECT_EQ(read("releases/hello/3-abcdef1/static/site.css"), "body{}");
  EXPECT_EQ(read("releases/hello/3-abcdef1/.gitignore"), "*.pyc\n");
  EXPECT_FALSE(fs::exists(path("releases/hello/3-abcdef1/.git")));
  EXPECT_EQ(fs::status(path("releases/hello/3-abcdef1/app.py")).permissions() & fs::perms::owner_exec,
            fs::perms::owner_exec);
}

TEST_F(ReleaseDirectoryTest, CopiesAcrossFilesystems) {
  char pattern[] = "/dev/shm/slipway-release-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) GTEST_SKIP() << "no /dev/shm";
  std::string workspace = pattern;
  struct stat here {
  }, there{};
  if (::stat(dir_.c_str(), &here) != 0 || ::stat(workspace.c_str(), &there) != 0 ||
      here.st_dev == there.st_dev) {
    fs::remove_all(workspace);
    GTEST_SKIP() << "/dev/shm is on the same filesystem as /tmp";
  }
  fs::create_directories(workspace + "/src/.git");
  std::ofstream(workspace + "/src/run.sh") << "echo hi\n";
  ::chmod((workspace + "/src/run.sh").c_str(), 0755);
  fs::create_symlink("run.sh", workspace + "/src/start");
  fs::create_directories(workspace + "/.git/objects");

  make_release_tree(workspace, path("releases/1-abcdef1"));

  EXPECT_FALSE(fs::exists(workspace));
  EXPECT_EQ(read("releases/1-abcdef1/src/run.sh"), "echo hi\n");
  EXPECT_EQ(fs::status(path("releases/1-abcdef1/src/run.sh")).permissions() & fs::perms::owner_exec,
            fs::perms::owner_exec);
  EXPECT_EQ(fs::read_symlink(path("releases/1-abcdef1/src/start")), "run.sh");
  EXPECT_FALSE(fs::exists(path("releases/1-abcdef1/.git")));
  EXPECT_TRUE(fs::exists(path("releases/1-abcdef1/src/.git"))) << "only the top-level .git goes";
}

TEST_F(ReleaseDirectoryTest, RefusesAnExistingDestinationOrMissingWorkspace) {
  write("workspace/a", "1");
  write("release/b", "2");
  EXPECT_THROW(make_release_tree(path("workspace"), path("release")), util::Error);
  EXPECT_EQ(read("workspace/a"), "1");
  fs::create_directories(path("empty"));
  EXPECT_THROW(make_release_tree(path("workspace"), path("empty")), util::Error);
  try {
    make_release_tree(path("nothing"), path("r"));
    ADD_FAILURE() << "no error";
  } catch (const util::Error& error) {
    EXPECT_EQ(std::string(error.what()), "workspace " + path("nothing") + " does not exist");
  }
}

TEST_F(ReleaseDirectoryTest, SwitchSymlinkReplacesTheLinkAtomically) {
  fs::create_directories(path("releases/1-aaaaaaa"));
  fs::create_directories(path("releases/2-bbbbbbb"));
  fs::create_directories(path("apps/hello/production"));
  std::string link = path("apps/hello/production/current");

  switch_symlink(link, path("releases/1-aaaaaaa"));
  EXPECT_EQ(fs::read_symlink(link), path("releases/1-aaaaaaa"));
  switch_symlink(link, path("releases/2-bbbbbbb"));
  EXPECT_EQ(fs::read_symlink(link), path("releases/2-bbbbbbb"));
  // A relative target is kept as given.
  switch_symlink(link, "../../../releases/1-aaaaaaa");
  EXPECT_EQ(fs::read_symlink(link), "../../../releases/1-aaaaaaa");
  EXPECT_TRUE(fs::is_directory(link));

  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(path("apps/hello/production"))) ++entries;
  EXPECT_EQ(entries, 1u) << "no temporary link left behind";
}

TEST_F(ReleaseDirectoryTest, SwitchSymlinkFailsOverADirectoryAndCleansUp) {
  write("apps/current/file", "x");
  EXPECT_THROW(switch_symlink(path("apps/current"), path("releases/1")), util::Error);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(path("apps"))) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(ReleasesToPrune, KeepsTheNewestAndTheProtected) {
  EXPECT_EQ(releases_to_prune({1, 2, 3, 4, 5, 6, 7}, 3, {}), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(releases_to_prune({7, 3, 1, 6, 2, 5, 4}, 3, {2, 6}), (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(releases_to_prune({1, 2}, 5, {}), (std::vector<int>{}));
  EXPECT_EQ(releases_to_prune({}, 5, {1}), (std::vector<int>{}));
  EXPECT_EQ(releases_to_prune({1, 2, 3}, 0, {3}), (std::vector<int>{1, 2}));
  EXPECT_EQ(releases_to_prune({1, 1, 2, 2}, 1, {}), (std::vector<int>{1}));
}

TEST(ReleaseDirName, NumberAndShortCommit) {
  EXPECT_EQ(release_dir_name(12, "3f2a9c1d0e9b8a7f6e5d4c3b2a19081726354453"), "12-3f2a9c1");
  EXPECT_EQ(release_dir_name(1, "abc"), "1-abc");
}

TEST_F(ReleaseDirectoryTest, RemoveTreeDoesNotFollowSymlinks) {
  write("outside/keep.txt", "precious");
  write("tree/a/b/c.txt", "x");
  fs::create_directory_symlink(path("outside"), path("tree/a/link-to-outside"));
  fs::create_symlink(path("outside/keep.txt"), path("tree/file-link"));

  remove_tree(path("tree"));

  EXPECT_FALSE(fs::exists(fs::symlink_status(path("tree"))));
  EXPECT_EQ(read("outside/keep.txt"), "precious");
}

TEST_F(ReleaseDirectoryTest, RemoveTreeRemovesASymlinkItselfNotItsTarget) {
  write("outside/keep.txt", "precious");
  fs::create_directory_symlink(path("outside"), path("link"));
  remove_tree(path("link"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(path("link"))));
  EXPECT_EQ(read("outside/keep.txt"), "precious");
  remove_tree(path("link/"));  // already gone: fine
}

TEST_F(ReleaseDirectoryTest, RemoveTreeHandlesReadOnlyDirectoriesFilesAndMissingPaths) {
  write("tree/ro/inner/file", "x");
  ::chmod(path("tree/ro/inner").c_str(), 0500);
  ::chmod(path("tree/ro").c_str(), 0500);
  remove_tree(path("tree"));
  EXPECT_FALSE(fs::exists(path("tree")));

  write("plain", "x");
  remove_tree(path("plain"));
  EXPECT_FALSE(fs::exists(path("plain")));

  remove_tree(path("missing"));
  remove_tree(path("missing/deeper"));
  EXPECT_THROW(remove_tree(dir_ + "/."), util::Error);
}

TEST_F(ReleaseDirectoryTest, RemoveTreeErrorsNameTheEntry) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores permissions";
  write("locked/dir/file", "x");
  ::chmod(path("locked").c_str(), 0500);  // the entry 'dir' cannot be unlinked from here
  try {
    remove_tree(path("locked/dir"));
    ADD_FAILURE() << "no error";
  } catch (const util::Error& error) {
    EXPECT_EQ(std::string(error.what()), "remove " + path("locked/dir") + ": Permission denied");
  }
  ::chmod(path("locked").c_str(), 0700);
}

}  // namespace
}  // namespace slipway::deploy
