// The SSH test hosts themselves: each is reachable with ssh and rsync at its
// own address, has a deploy tree of its own, can be stopped, restarted and
// re-keyed, and leaves nothing behind (namespaces, sshd, daemons started over
// ssh), also after a run that crashed.
#include "ssh_hosts.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "daemon_process.h"
#include "util/strings.h"

namespace slipway::testing {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Whether PID runs (a zombie nobody reaps does not).
bool running(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

class SshHostsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "SSH test hosts need root (network namespaces, mounts); CI runs as root";
    char pattern[] = "/tmp/slipway-ssh-hosts-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    key_ = dir_ + "/client_key";
    auto keygen =
        run_command({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "slipway-test-client", "-f", key_});
    ASSERT_EQ(keygen.exit_code, 0) << keygen.output;
  }

  void TearDown() override {
    if (HasFailure() && fleet_) {
      for (std::size_t i = 0; i < fleet_->hosts().size(); ++i) {
        std::cerr << "--- sshd log of " << fleet_->hosts()[i].name << " ---\n" << fleet_->sshd_log(int(i));
      }
    }
    fleet_.reset();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  void create(int count) {
    auto fleet = SshHosts::create(count, dir_ + "/hosts");
    ASSERT_TRUE(fleet) << fleet.error();
    fleet_ = std::move(fleet.value());
    fleet_->authorize(read_file(key_ + ".pub"));
  }

  std::vector<std::string> ssh_options(const std::string& known_hosts,
                                       const std::string& strict = "accept-new") {
    return {"-F", "none",
            "-i", key_,
            "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes",
            "-o", "UserKnownHostsFile=" + known_hosts,
            "-o", "StrictHostKeyChecking=" + strict,
            "-o", "ConnectTimeout=5",
            "-o", "LogLevel=ERROR"};
  }

  // ssh root@HOST COMMAND..., host keys pinned in the test's known_hosts.
  CommandResult ssh(const SshHost& host, const std::vector<std::string>& command,
                    const std::string& strict = "accept-new") {
    std::vector<std::string> argv = {"ssh"};
    auto options = ssh_options(dir_ + "/known_hosts", strict);
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back("root@" + host.address);
    argv.insert(argv.end(), command.begin(), command.end());
    return run_command(argv, {}, {}, std::chrono::seconds(30));
  }

  std::string dir_;
  std::string key_;
  std::unique_ptr<SshHosts> fleet_;
};

TEST_F(SshHostsTest, EachHostHasItsOwnAddressSshdAndDeployTree) {
  ASSERT_NO_FATAL_FAILURE(create(2));
  const auto& hosts = fleet_->hosts();
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_NE(hosts[0].address, hosts[1].address);
  const std::string mnt = fleet_->mount_point();

  for (const auto& host : hosts) {
    auto result = ssh(host, {"true"});
    EXPECT_EQ(result.exit_code, 0) << host.name << ": " << result.output;
  }

  // A file written over ssh below the mount point lands in that host's tree only.
  auto touched = ssh(hosts[0], {"touch", mnt + "/x"});
  ASSERT_EQ(touched.exit_code, 0) << touched.output;
  EXPECT_TRUE(fs::exists(hosts[0].root + "/x"));
  EXPECT_FALSE(fs::exists(hosts[1].root + "/x"));
  EXPECT_FALSE(fs::exists(mnt + "/x")) << "the root namespace sees the host's file";
  EXPECT_NE(ssh(hosts[1], {"test", "-e", mnt + "/x"}).exit_code, 0);
  EXPECT_EQ(fleet_->run_in(0, {"test", "-e", mnt + "/x"}).exit_code, 0);
  EXPECT_NE(fleet_->run_in(1, {"test", "-e", mnt + "/x"}).exit_code, 0);

  // Root's home is the host's own too (a login starts there).
  ASSERT_EQ(ssh(hosts[0], {"touch", ".slipway-marker"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(hosts[0].home + "/.slipway-marker"));
  EXPECT_FALSE(fs::exists(hosts[1].home + "/.slipway-marker"));

  // run_in runs inside the host's network namespace: its address is local there.
  auto addresses = fleet_->run_in(1, {"ip", "-4", "-o", "address", "show", "dev", "eth0"});
  EXPECT_TRUE(contains(addresses.output, hosts[1].address + "/24")) << addresses.output;

  // rsync over ssh, the way a deploy copies a release to every host.
  write_file(dir_ + "/release/index.html", "hello fleet\n");
  write_file(dir_ + "/release/bin/app", "#!/bin/sh\n");
  auto options = ssh_options(dir_ + "/known_hosts");
  std::string rsh = "ssh " + util::join(options, " ");  // test-controlled values without spaces
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    auto copied = run_command({"rsync", "-a", "--delete", "--rsh=" + rsh, dir_ + "/release/",
                               "root@" + hosts[i].address + ":" + mnt + "/app/"});
    ASSERT_EQ(copied.exit_code, 0) << hosts[i].name << ": " << copied.output;
    EXPECT_EQ(read_file(hosts[i].root + "/app/index.html"), "hello fleet\n");
    EXPECT_EQ(fleet_->run_in(int(i), {"cat", mnt + "/app/index.html"}).output, "hello fleet\n");
  }
  EXPECT_FALSE(fs::exists(mnt + "/app"));
}

TEST_F(SshHostsTest, StoppedHostRefusesAndChangedHostKeyIsRejected) {
  ASSERT_NO_FATAL_FAILURE(create(1));
  const SshHost& host = fleet_->hosts()[0];
  ASSERT_EQ(ssh(host, {"true"}).exit_code, 0);  // pins the host key in known_hosts

  int old_pid = host.sshd_pid;
  fleet_->stop_sshd(0);
  EXPECT_EQ(host.sshd_pid, 0);
  EXPECT_FALSE(running(old_pid));
  auto refused = ssh(host, {"true"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(contains(refused.output, "Connection refused")) << refused.output;

  fleet_->start_sshd(0);
  auto again = ssh(host, {"true"}, "yes");
  EXPECT_EQ(again.exit_code, 0) << "same host key after a restart: " << again.output;

  fleet_->change_host_key(0);
  auto changed = ssh(host, {"true"}, "yes");
  EXPECT_NE(changed.exit_code, 0);
  EXPECT_TRUE(contains(changed.output, "REMOTE HOST IDENTIFICATION HAS CHANGED")) << changed.output;

  // The fixture says what the new key is, for tests that pin it up front.
  write_file(dir_ + "/known_hosts", fleet_->known_hosts_line(0) + "\n");
  auto pinned = ssh(host, {"true"}, "yes");
  EXPECT_EQ(pinned.exit_code, 0) << pinned.output;
}

TEST_F(SshHostsTest, LeavesNothingBehindAndSweepsCrashedRuns) {
  // A namespace as a crashed run would leave it: named after a pid that is gone.
  pid_t dead = ::fork();
  ASSERT_GE(dead, 0);
  if (dead == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(dead, nullptr, 0), dead);
  std::string stale = "slw-" + std::to_string(dead) + "-1";
  ASSERT_EQ(run_command({"ip", "netns", "add", stale}).exit_code, 0);

  auto started = std::chrono::steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(create(3));
  auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::cout << "SshHosts::create(3) took " << took.count() << " ms\n";
  EXPECT_FALSE(contains(run_command({"ip", "netns", "list"}).output, stale))
      << "the stale namespace was not swept";

  // A daemon left behind by a login, in its own session, as deployed apps are.
  auto daemon = ssh(fleet_->hosts()[2], {"setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!"});
  ASSERT_EQ(daemon.exit_code, 0) << daemon.output;
  pid_t daemon_pid = std::stoi(daemon.output);
  EXPECT_TRUE(running(daemon_pid));

  std::vector<int> sshd_pids;
  for (const auto& host : fleet_->hosts()) sshd_pids.push_back(host.sshd_pid);
  std::string prefix = "slw-" + std::to_string(::getpid()) + "-";
  EXPECT_TRUE(contains(run_command({"ip", "netns", "list"}).output, prefix));

  auto stopping = std::chrono::steady_clock::now();
  fleet_.reset();
  auto stop_took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stopping);
  std::cout << "~SshHosts (3 hosts) took " << stop_took.count() << " ms\n";

  EXPECT_FALSE(contains(run_command({"ip", "netns", "list"}).output, prefix));
  EXPECT_FALSE(contains(run_command({"ip", "link", "show"}).output, "sw" + std::to_string(::getpid()) + "h"));
  for (int pid : sshd_pids) EXPECT_FALSE(running(pid)) << "sshd " << pid;
  EXPECT_FALSE(running(daemon_pid)) << "the daemon started over ssh survived";
}

}  // namespace
}  // namespace slipway::testing
