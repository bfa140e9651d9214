// Tests of GitRepository (libgit2) against repositories made by the real git
// command line, run by argv in a temporary directory.
#include "scm/git_repository.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/child_process.h"
#include "util/error.h"

namespace slipway::scm {
namespace {

namespace fs = std::filesystem;

scm::GitLibrary& git_library() {
  static GitLibrary library;
  return library;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void write(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

class GitRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    git_library();
    char pattern[] = "/tmp/slipway-git-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    work_ = dir_ + "/work";
    bare_path_ = dir_ + "/bare.git";

    git({"init", "-q", "-b", "main", work_});
    write(work_ + "/slipway.yml", "steps:\n  test: make test\n");
    write(work_ + "/dir/sub.txt", "sub\n");
    git({"-C", work_, "add", "-A"});
    git({"-C", work_, "commit", "-q", "-m", "First commit\n\nWith a body."});
    first_ = git({"-C", work_, "rev-parse", "HEAD"});
    write(work_ + "/README", "hello\n");
    write(work_ + "/slipway.yml", "steps:\n  test: make check\n");
    git({"-C", work_, "add", "-A"});
    git({"-C", work_, "commit", "-q", "-m", "Second commit"});
    second_ = git({"-C", work_, "rev-parse", "HEAD"});
    git({"-C", work_, "branch", "feature", first_});
    git({"-C", work_, "tag", "-a", "v1", "-m", "release one", first_});
    git({"-C", work_, "tag", "light", second_});
    // A branch and a tag of the same name that point at different commits.
    git({"-C", work_, "branch", "dup", first_});
    git({"-C", work_, "tag", "dup", second_});
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs git by argv with a fixed identity and date and no user or system config; returns its
  // trimmed output, failing the test when git fails.
  std::string git(std::vector<std::string> args) {
    const char* path = std::getenv("PATH");
    util::SpawnOptions options;
    options.argv = {"git"};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.env = {std::string("PATH=") + (path ? path : "/usr/bin:/bin"),
                   "HOME=" + dir_,
                   "GIT_CONFIG_NOSYSTEM=1",
                   "GIT_CONFIG_GLOBAL=/dev/null",
                   "GIT_AUTHOR_NAME=Ada",
                   "GIT_AUTHOR_EMAIL=ada@example.com",
                   "GIT_COMMITTER_NAME=Ada",
                   "GIT_COMMITTER_EMAIL=ada@example.com",
                   "GIT_AUTHOR_DATE=@1700000000 +0000",
                   "GIT_COMMITTER_DATE=@1700000000 +0000"};
    util::Pipe pipe = util::make_pipe();
    options.stdout_fd = pipe.write.get();
    util::ChildProcess child = util::ChildProcess::spawn(options);
    pipe.write.reset();
    std::string output;
    char buffer[4096];
    while (true) {
      pollfd p{pipe.read.get(), POLLIN, 0};
      int ready = ::poll(&p, 1, 30000);  // bounded: git here takes milliseconds
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) {
        ADD_FAILURE() << "git " << args.at(0) << " did not finish";
        child.signal_group(SIGKILL);
        break;
      }
      ssize_t n = ::read(pipe.read.get(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      output.append(buffer, static_cast<std::size_t>(n));
    }
    int status = child.wait();
    EXPECT_EQ(util::exit_code_of(status), 0) << "git " << args.at(0) << ": " << output;
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    return output;
  }

  GitRepository bare_with_commits() {
    auto repo = GitRepository::open_or_init_bare(bare_path_);
    EXPECT_TRUE(repo) << repo.error();
    git({"--git-dir", bare_path_, "fetch", "-q", work_, "refs/heads/*:refs/heads/*",
         "refs/tags/*:refs/tags/*"});
    return std::move(*repo);
  }

  std::string dir_;
  std::string work_;
  std::string bare_path_;
  std::string first_;
  std::string second_;
};

TEST_F(GitRepositoryTest, OpenOrInitBareCreatesABareRepository) {
  auto repo = GitRepository::open_or_init_bare(bare_path_);
  ASSERT_TRUE(repo) << repo.error();
  EXPECT_EQ(repo->path(), bare_path_);
  EXPECT_TRUE(fs::is_regular_file(bare_path_ + "/HEAD"));
  EXPECT_FALSE(fs::exists(bare_path_ + "/.git"));
  EXPECT_EQ(git({"--git-dir", bare_path_, "rev-parse", "--is-bare-repository"}), "true");
  // Pushes come through git http-backend, which refuses them unless this is set.
  EXPECT_EQ(git({"--git-dir", bare_path_, "config", "http.receivepack"}), "true");
  EXPECT_TRUE(repo->branch_heads().empty());
}

TEST_F(GitRepositoryTest, OpenOrInitBareOpensAnExistingRepository) {
  bare_with_commits();
  auto again = GitRepository::open_or_init_bare(bare_path_);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->branch_heads().at("refs/heads/main"), second_);
}

TEST_F(GitRepositoryTest, OpenFailsWhereThereIsNoRepository) {
  auto repo = GitRepository::open(dir_ + "/nothing-here");
  ASSERT_FALSE(repo);
  EXPECT_NE(repo.error().find(dir_ + "/nothing-here"), std::string::npos) << repo.error();
}

TEST_F(GitRepositoryTest, BranchHeadsListsEveryBranch) {
  GitRepository repo = bare_with_commits();
  std::map<std::string, std::string> expected{
      {"refs/heads/dup", first_}, {"refs/heads/feature", first_}, {"refs/heads/main", second_}};
  EXPECT_EQ(repo.branch_heads(), expected);
}

TEST_F(GitRepositoryTest, ResolvesBranchesTagsAndCommitIds) {
  GitRepository repo = bare_with_commits();
  auto main = repo.resolve("main");
  ASSERT_TRUE(main);
  EXPECT_EQ(main->id, second_);
  EXPECT_EQ(main->summary, "Second commit");
  EXPECT_EQ(main->time_ms, 1700000000000);
  EXPECT_EQ(repo.resolve("feature")->summary, "First commit");
  EXPECT_EQ(repo.resolve("v1")->id, first_);  // an annotated tag peels to its commit
  EXPECT_EQ(repo.resolve("light")->id, second_);
  EXPECT_EQ(repo.resolve(first_)->id, first_);
  EXPECT_EQ(repo.resolve(first_.substr(0, 10))->id, first_);
  EXPECT_EQ(repo.resolve("dup")->id, first_);  // the branch wins over the tag
}

TEST_F(GitRepositoryTest, ResolveFindsNothingForUnknownOrOptionLikeRefs) {
  GitRepository repo = bare_with_commits();
  for (const char* ref :
       {"nope", "", "-x", "--all", "main:slipway.yml", "0000000000000000000000000000000000000000"}) {
    EXPECT_FALSE(repo.resolve(ref)) << ref;
  }
}

TEST_F(GitRepositoryTest, ReadFileReadsBlobsOnly) {
  GitRepository repo = bare_with_commits();
  EXPECT_EQ(repo.read_file(second_, "slipway.yml"), "steps:\n  test: make check\n");
  EXPECT_EQ(repo.read_file(first_, "slipway.yml"), "steps:\n  test: make test\n");
  EXPECT_EQ(repo.read_file(second_, "dir/sub.txt"), "sub\n");
  EXPECT_FALSE(repo.read_file(first_, "README"));  // added by the second commit
  EXPECT_FALSE(repo.read_file(second_, "dir"));    // a directory
  EXPECT_FALSE(repo.read_file(second_, "no/such/file"));
}

TEST_F(GitRepositoryTest, ReadFileThrowsForABadCommit) {
  GitRepository repo = bare_with_commits();
  EXPECT_THROW(repo.read_file("main", "slipway.yml"), util::Error);
  EXPECT_THROW(repo.read_file(std::string(40, 'e'), "slipway.yml"), util::Error);
}

TEST_F(GitRepositoryTest, CheckoutIntoMakesACleanWorkingTreeOnTheBranch) {
  GitRepository repo = bare_with_commits();
  std::string ws = dir_ + "/workspaces/1";
  repo.checkout_into(second_, "release/1.0", ws);

  EXPECT_EQ(slurp(ws + "/slipway.yml"), "steps:\n  test: make check\n");
  EXPECT_EQ(slurp(ws + "/README"), "hello\n");
  EXPECT_EQ(slurp(ws + "/dir/sub.txt"), "sub\n");
  EXPECT_EQ(slurp(ws + "/.git/HEAD"), "ref: refs/heads/release/1.0\n");
  EXPECT_EQ(git({"-C", ws, "rev-parse", "HEAD"}), second_);
  EXPECT_EQ(git({"-C", ws, "status", "--porcelain"}), "");
  EXPECT_EQ(git({"-C", ws, "log", "--format=%s"}), "Second commit\nFirst commit");
  // The objects stay in the bare repository.
  EXPECT_EQ(slurp(ws + "/.git/objects/info/alternates"), bare_path_ + "/objects\n");
  EXPECT_EQ(git({"-C", ws, "count-objects"}), "0 objects, 0 kilobytes");
}

TEST_F(GitRepositoryTest, CheckoutIntoIsDetachedForAnInvalidBranchName) {
  GitRepository repo = bare_with_commits();
  for (const char* branch : {"bad..name", "", "x~1", "lock.lock"}) {
    std::string ws = dir_ + "/ws-" + std::to_string(std::hash<std::string>{}(branch));
    repo.checkout_into(first_, branch, ws);
    EXPECT_EQ(slurp(ws + "/.git/HEAD"), first_ + "\n") << branch;
    EXPECT_TRUE(fs::exists(ws + "/slipway.yml"));
    EXPECT_FALSE(fs::exists(ws + "/README"));
    EXPECT_EQ(git({"-C", ws, "status", "--porcelain"}), "");
  }
}

TEST_F(GitRepositoryTest, CheckoutIntoRefusesAnExistingRepository) {
  GitRepository repo = bare_with_commits();
  std::string ws = dir_ + "/ws";
  repo.checkout_into(first_, "main", ws);
  EXPECT_THROW(repo.checkout_into(second_, "main", ws), util::Error);
  EXPECT_THROW(repo.checkout_into("not-a-commit", "main", dir_ + "/ws2"), util::Error);
}

}  // namespace
}  // namespace slipway::scm
