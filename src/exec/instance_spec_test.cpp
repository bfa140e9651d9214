// Tests of the instance files: spec.json and state.json round trips, the
// spec's 0600 mode, and the messages for files that cannot be used.
#include "exec/instance_spec.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace slipway::exec {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class InstanceSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/slipway-instance-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ + "/" + name) << text; }

  std::string dir_;
};

TEST_F(InstanceSpecTest, SpecRoundTripsWithModeOwnerOnly) {
  InstanceSpec spec;
  spec.name = "web.1";
  spec.argv = {"/bin/sh", "-c", "exec server --port \"$PORT\""};
  spec.env = {"PORT=41234", "API_KEY=s3cret"};
  spec.cwd = "/srv/app";
  spec.log_path = "/srv/logs/web.log";
  spec.masked = {"s3cret"};
  spec.stop_grace = 1500ms;
  spec.max_restarts = 3;
  spec.backoff_initial = 100ms;
  spec.backoff_max = 2s;
  spec.stable_after = 5s;
  write_spec(dir_, spec);

  struct stat info {};
  ASSERT_EQ(::stat(spec_path(dir_).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  auto read = read_spec(dir_);
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(read->name, spec.name);
  EXPECT_EQ(read->argv, spec.argv);
  EXPECT_EQ(read->env, spec.env);
  EXPECT_EQ(read->cwd, spec.cwd);
  EXPECT_EQ(read->log_path, spec.log_path);
  EXPECT_EQ(read->masked, spec.masked);
  EXPECT_EQ(read->stop_grace, 1500ms);
  EXPECT_EQ(read->max_restarts, 3);
  EXPECT_EQ(read->backoff_initial, 100ms);
  EXPECT_EQ(read->backoff_max, 2s);
  EXPECT_EQ(read->stable_after, 5s);
}

TEST_F(InstanceSpecTest, MissingTimingsTakeTheDefaults) {
  write("spec.json", R"({"name": "web.1", "argv": ["server"], "log_path": "/tmp/x.log"})");
  auto spec = read_spec(dir_);
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(spec->stop_grace, 10s);
  EXPECT_EQ(spec->max_restarts, 5);
  EXPECT_EQ(spec->backoff_initial, 500ms);
  EXPECT_EQ(spec->backoff_max, 30s);
  EXPECT_EQ(spec->stable_after, 10s);
}

TEST_F(InstanceSpecTest, UnusableSpecsSayWhy) {
  EXPECT_NE(read_spec(dir_).error().find("cannot open"), std::string::npos);
  write("spec.json", "{not json");
  EXPECT_NE(read_spec(dir_).error().find("not a JSON object"), std::string::npos);
  write("spec.json", R"({"name": "web.1", "argv": [], "log_path": "/tmp/x.log"})");
  EXPECT_NE(read_spec(dir_).error().find("argv is empty"), std::string::npos);
  write("spec.json", R"({"name": "web.1", "argv": "server", "log_path": "/tmp/x.log"})");
  EXPECT_NE(read_spec(dir_).error().find("spec.json"), std::string::npos);
}

TEST_F(InstanceSpecTest, StateRoundTripsAndLeavesNoTemporaryFile) {
  InstanceState state;
  state.status = InstanceStatus::backoff;
  state.pid = 1234;
  state.pid_start_time = 987654321;
  state.supervisor_pid = 1200;
  state.supervisor_start_time = 987650000;
  state.restarts = 2;
  state.last_exit = "exit status 1";
  state.changed_at_ms = 1790000000123;
  write_state(dir_, state);
  write_state(dir_, state);  // replaces the file

  auto read = read_state(dir_);
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(read->status, InstanceStatus::backoff);
  EXPECT_EQ(read->pid, 1234);
  EXPECT_EQ(read->pid_start_time, 987654321);
  EXPECT_EQ(read->supervisor_pid, 1200);
  EXPECT_EQ(read->supervisor_start_time, 987650000);
  EXPECT_EQ(read->restarts, 2);
  EXPECT_EQ(read->last_exit, "exit status 1");
  EXPECT_EQ(read->changed_at_ms, 1790000000123);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(InstanceSpecTest, StatusesHaveNames) {
  for (auto status : {InstanceStatus::starting, InstanceStatus::running, InstanceStatus::backoff,
                      InstanceStatus::crashed, InstanceStatus::stopped}) {
    auto parsed = parse_instance_status(to_string(status));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, status);
  }
  EXPECT_FALSE(parse_instance_status("sleeping"));
  write("state.json", R"({"status": "sleeping"})");
  EXPECT_NE(read_state(dir_).error().find("unknown instance status 'sleeping'"), std::string::npos);
}

}  // namespace
}  // namespace slipway::exec
