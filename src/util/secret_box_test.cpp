// Tests of SecretBox: round trips, tampering, the key file's creation and checks.
#include "util/secret_box.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace slipway::util {
namespace {

namespace fs = std::filesystem;

class SecretBoxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-secret-box-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  SecretBox box(const std::string& name = "secret.key") {
    auto opened = SecretBox::open(dir_ + "/" + name);
    if (!opened) throw std::runtime_error(opened.error());
    return *opened;
  }
  std::string error(const std::string& name) {
    auto opened = SecretBox::open(dir_ + "/" + name);
    return opened ? "(no error)" : opened.error();
  }
  void write_key(const std::string& name, std::size_t size, mode_t mode) {
    std::ofstream(dir_ + "/" + name) << std::string(size, 'k');
    ::chmod((dir_ + "/" + name).c_str(), mode);
  }

  std::string dir_;
};

TEST_F(SecretBoxTest, RoundTrips) {
  SecretBox secrets = box();
  for (std::string text :
       {std::string(), std::string("hunter2"), std::string("a\0b\xff", 4), std::string(100000, 'x')}) {
    std::string sealed = secrets.seal(text);
    EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
    auto opened = secrets.open_sealed(sealed);
    ASSERT_TRUE(opened) << opened.error();
    EXPECT_EQ(*opened, text);
  }
}

TEST_F(SecretBoxTest, EachSealUsesAFreshNonce) {
  SecretBox secrets = box();
  std::string a = secrets.seal("same");
  std::string b = secrets.seal("same");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), b.size());
  EXPECT_EQ(a.find("same"), std::string::npos);
}

TEST_F(SecretBoxTest, CreatesThePrivateKeyFileOnceAndReusesIt) {
  std::string sealed = box().seal("value");
  struct stat info {};
  ASSERT_EQ(::stat((dir_ + "/secret.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  EXPECT_EQ(info.st_size, 32);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1u) << "no temporary file left behind";

  auto reopened = box().open_sealed(sealed);
  ASSERT_TRUE(reopened) << reopened.error();
  EXPECT_EQ(*reopened, "value");
}

TEST_F(SecretBoxTest, DetectsTampering) {
  SecretBox secrets = box();
  std::string sealed = secrets.seal("the database password");
  std::string expected = "sealed secret cannot be opened: it was changed, or sealed with a key other than " +
                         dir_ + "/secret.key";
  for (std::size_t position : {std::size_t{3}, std::size_t{20}, sealed.size() - 5}) {
    std::string changed = sealed;
    changed[position] = changed[position] == 'A' ? 'B' : 'A';
    auto opened = secrets.open_sealed(changed);
    ASSERT_FALSE(opened) << "position " << position;
    EXPECT_EQ(opened.error(), expected);
  }
  EXPECT_EQ(secrets.open_sealed("plain text").error(), "not a sealed secret (it should start with 'v1:')");
  EXPECT_EQ(secrets.open_sealed("v1:not base64!").error(), "sealed secret is damaged: not valid base64");
  EXPECT_EQ(secrets.open_sealed("v1:AAAA").error(), "sealed secret is damaged: too short");
  EXPECT_FALSE(secrets.open_sealed(sealed.substr(0, sealed.size() - 4)));
}

TEST_F(SecretBoxTest, AnotherKeyCannotOpen) {
  std::string sealed = box("one.key").seal("value");
  auto opened = box("two.key").open_sealed(sealed);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().find("sealed with a key other than " + dir_ + "/two.key"), std::string::npos);
}

TEST_F(SecretBoxTest, RefusesAKeyOthersCanRead) {
  write_key("open.key", 32, 0644);
  EXPECT_EQ(error("open.key"), "secret key " + dir_ +
                                   "/open.key is accessible to group or others (mode 0644); "
                                   "run: chmod 600 " +
                                   dir_ + "/open.key");
  write_key("group.key", 32, 0620);
  EXPECT_NE(error("group.key").find("(mode 0620)"), std::string::npos);
  write_key("good.key", 32, 0400);
  EXPECT_EQ(error("good.key"), "(no error)");
}

TEST_F(SecretBoxTest, RefusesAKeyOfTheWrongSizeOrKind) {
  write_key("short.key", 16, 0600);
  EXPECT_EQ(error("short.key").rfind("secret key " + dir_ + "/short.key holds 16 bytes, not 32", 0), 0u);
  write_key("empty.key", 0, 0600);
  EXPECT_NE(error("empty.key").find("holds 0 bytes"), std::string::npos);
  fs::create_directory(dir_ + "/dir.key");
  ::chmod((dir_ + "/dir.key").c_str(), 0700);
  EXPECT_EQ(error("dir.key"), "secret key " + dir_ + "/dir.key is not a regular file");
  write_key("real.key", 32, 0600);
  fs::create_symlink(dir_ + "/real.key", dir_ + "/link.key");
  EXPECT_EQ(error("link.key"),
            "secret key " + dir_ + "/link.key is a symbolic link; it must be a plain file");
  EXPECT_NE(error("missing-dir/x.key").find("cannot create"), std::string::npos);
}

}  // namespace
}  // namespace slipway::util
