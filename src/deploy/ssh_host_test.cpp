#include "deploy/ssh_host.h"

#include <gtest/gtest.h>

namespace slipway::deploy {
namespace {

SshHost host() { return SshHost("deploy@web1:2222", {"deploy", "web1", 2222}, {"/k/id_ed25519", "/k/known_hosts"}); }

util::CapturedResult failed(int code, std::string output) {
  util::CapturedResult result;
  result.exit_code = code;
  result.output = std::move(output);
  return result;
}

TEST(SshHost, BytesSentComeFromRsyncStats) {
  EXPECT_EQ(rsync_bytes_sent("Number of files: 3\nTotal bytes sent: 1,234,567\nTotal bytes received: 35\n"), 1234567);
  EXPECT_EQ(rsync_bytes_sent("Total bytes sent: 88\n"), 88);
  EXPECT_EQ(rsync_bytes_sent("no stats here"), -1);
}

TEST(SshHost, AChangedHostKeyIsSaidLoudly) {
  auto why = host().describe_failure(
      failed(255, "@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
                  "Host key verification failed.\n"));
  EXPECT_EQ(why.rfind("deploy@web1:2222: the host key has CHANGED", 0), 0u) << why;
  EXPECT_NE(why.find("slipway ssh-key forget APP web1"), std::string::npos) << why;
}

TEST(SshHost, OtherFailuresNameTheHost) {
  EXPECT_EQ(host().describe_failure(failed(255, "ssh: connect to host web1 port 2222: Connection refused\n")),
            "deploy@web1:2222: cannot connect: ssh: connect to host web1 port 2222: Connection refused");
  EXPECT_NE(host().describe_failure(failed(255, "deploy@web1: Permission denied (publickey).\n")).find("slipway ssh-key show"),
            std::string::npos);
  EXPECT_EQ(host().describe_failure(failed(1, "mkdir: cannot create directory '/srv': Permission denied\n\n")),
            "deploy@web1:2222: mkdir: cannot create directory '/srv': Permission denied");
  EXPECT_EQ(host().describe_failure(failed(3, "")), "deploy@web1:2222: exit status 3");
  util::CapturedResult slow;
  slow.timed_out = true;
  EXPECT_EQ(host().describe_failure(slow), "deploy@web1:2222: timed out");
}

}  // namespace
}  // namespace slipway::deploy
