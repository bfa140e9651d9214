// Tests of the instance log: line prefixes, secrets masked even when split
// across reads, partial lines, and overlong lines written in pieces.
#include "exec/supervisor_log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace slipway::exec {
namespace {

namespace fs = std::filesystem;

class SupervisorLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-supervisor-log-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/web.log";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The log's lines without their timestamps.
  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> out;
    std::string line;
    const std::regex timestamp(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z )");
    while (std::getline(in, line)) {
      EXPECT_TRUE(std::regex_search(line, timestamp)) << line;
      out.push_back(line.substr(25));
    }
    return out;
  }

  std::string dir_, path_;
};

TEST_F(SupervisorLogTest, WritesCompleteLinesWithThePrefixAndMasksSecrets) {
  auto log = SupervisorLog::open(path_, "web.1", {"hunter2", "", "hunter2-long"});
  log.append_output("one\ntwo: hun");
  EXPECT_EQ(lines(), (std::vector<std::string>{"web.1 | one"}));
  log.append_output("ter2 and hunter2-long\nthree");
  log.note("exit status 1");
  log.flush_partial();
  log.flush_partial();
  EXPECT_EQ(lines(), (std::vector<std::string>{"web.1 | one", "web.1 | two: **** and ****",
                                               "web.1 | [slipway] exit status 1", "web.1 | three"}));
}

TEST_F(SupervisorLogTest, AnOverlongLineIsWrittenInPiecesWithoutSplittingASecret) {
  auto log = SupervisorLog::open(path_, "web.1", {"SECRETVALUE"});
  std::string line(SupervisorLog::kMaxPendingBytes - 3, 'x');
  log.append_output(line + "SECRE");
  log.append_output("TVALUE tail\n");
  auto written = lines();
  ASSERT_EQ(written.size(), 2u);
  std::string joined = written[0].substr(8) + written[1].substr(8);
  EXPECT_EQ(joined, line + "**** tail");
}

TEST_F(SupervisorLogTest, AppendsToWhatIsThere) {
  { std::ofstream(path_) << "earlier line\n"; }
  auto log = SupervisorLog::open(path_, "web.2", {});
  log.append_output("hello\n");
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().rfind("earlier line\n", 0), 0u);
  EXPECT_NE(text.str().find("web.2 | hello\n"), std::string::npos);
}

}  // namespace
}  // namespace slipway::exec
