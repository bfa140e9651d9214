// Tests of the fd owner, close-on-exec pipes and files, and write_all.
#include "util/fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <thread>

#include "util/error.h"

namespace slipway::util {
namespace {

bool close_on_exec(int fd) {
  int flags = ::fcntl(fd, F_GETFD);
  return flags >= 0 && (flags & FD_CLOEXEC) != 0;
}

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) >= 0 || errno != EBADF; }

TEST(MakePipe, BothEndsAreCloseOnExec) {
  Pipe pipe = make_pipe();
  ASSERT_TRUE(pipe.read.valid());
  ASSERT_TRUE(pipe.write.valid());
  EXPECT_TRUE(close_on_exec(pipe.read.get()));
  EXPECT_TRUE(close_on_exec(pipe.write.get()));
}

TEST(Fd, ClosesWhenDestroyedOrReset) {
  Pipe pipe = make_pipe();
  int read_fd = pipe.read.get();
  int write_fd = pipe.write.get();
  pipe.read.reset();
  EXPECT_FALSE(pipe.read.valid());
  EXPECT_FALSE(is_open(read_fd));
  { Fd owner(pipe.write.release()); }
  EXPECT_FALSE(is_open(write_fd));
}

TEST(Fd, MovesOwnership) {
  Pipe pipe = make_pipe();
  int fd = pipe.read.get();
  Fd moved(std::move(pipe.read));
  EXPECT_FALSE(pipe.read.valid());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.get(), fd);
  Fd assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.get(), fd);
  EXPECT_TRUE(is_open(fd));
  int released = assigned.release();
  EXPECT_FALSE(assigned.valid());
  EXPECT_TRUE(is_open(released));  // release hands the fd over without closing it
  ::close(released);
}

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-fd-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(FileTest, OpenFileIsCloseOnExec) {
  Fd fd = open_file(dir_ + "/log", O_WRONLY | O_CREAT, 0600);
  EXPECT_TRUE(close_on_exec(fd.get()));
}

TEST_F(FileTest, OpenFileNamesThePathWhenItFails) {
  std::string path = dir_ + "/missing/log";
  try {
    open_file(path, O_RDONLY);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST_F(FileTest, WriteAllWritesEverything) {
  std::string data(300000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i % 251);
  {
    Fd fd = open_file(dir_ + "/out", O_WRONLY | O_CREAT | O_TRUNC);
    write_all(fd.get(), data.data(), data.size());
  }
  std::string back(data.size() + 10, '\0');
  Fd fd = open_file(dir_ + "/out", O_RDONLY);
  ssize_t n = ::read(fd.get(), back.data(), back.size());
  ASSERT_EQ(n, static_cast<ssize_t>(data.size()));
  back.resize(static_cast<std::size_t>(n));
  EXPECT_EQ(back, data);
}

// More than a pipe holds, so write() returns short counts and has to be resumed.
TEST(WriteAll, ResumesShortWritesToAPipe) {
  Pipe pipe = make_pipe();
  std::string data(4 << 20, 'x');
  for (std::size_t i = 0; i < data.size(); i += 4096) data[i] = static_cast<char>('a' + (i / 4096) % 26);
  std::string received;
  std::thread reader([&] {
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(pipe.read.get(), buffer, sizeof buffer)) > 0)
      received.append(buffer, static_cast<std::size_t>(n));
  });
  try {
    write_all(pipe.write.get(), data.data(), data.size());
  } catch (...) {
    pipe.write.reset();
    reader.join();
    throw;
  }
  pipe.write.reset();  // EOF for the reader
  reader.join();
  EXPECT_EQ(received.size(), data.size());
  EXPECT_TRUE(received == data);
}

TEST(WriteAll, ThrowsOnABadDescriptor) { EXPECT_THROW(write_all(-1, "x", 1), Error); }

}  // namespace
}  // namespace slipway::util
