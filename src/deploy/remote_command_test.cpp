#include "deploy/remote_command.h"

#include <gtest/gtest.h>

#include "util/captured_command.h"

namespace slipway::deploy {
namespace {

// What /bin/sh makes of LINE: each word on its own line.
std::string words_of(const std::string& line) {
  util::CapturedCommand command;
  command.argv = {"/bin/sh", "-c", "for w in " + line + "; do printf '%s\\n' \"$w\"; done"};
  command.timeout = std::chrono::seconds(10);
  return util::run_captured(command).output;
}

TEST(RemoteCommand, PlainWordsStayAsTheyAre) {
  EXPECT_EQ(shell_quote("releases/3-abc1234"), "releases/3-abc1234");
  EXPECT_EQ(shell_quote("root@10.0.0.1"), "root@10.0.0.1");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(RemoteCommand, EverythingElseIsOneWordForTheShell) {
  const std::vector<std::string> nasty = {"a b", "$(touch pwned)", "`id`", "it's", "x;rm -rf /", "new\nline",
                                          "*", "$HOME", "\"quoted\"", "back\\slash", "'"};
  for (const auto& value : nasty) {
    EXPECT_EQ(words_of(shell_quote(value)), value + "\n") << value;
  }
}

TEST(RemoteCommand, CommandLineKeepsArguments) {
  EXPECT_EQ(remote_command_line({"ln", "-sfn", "releases/1-abc", "/srv/my app/current"}),
            "ln -sfn releases/1-abc '/srv/my app/current'");
  EXPECT_EQ(words_of(remote_command_line({"a b", "c'd", "$e"})), "a b\nc'd\n$e\n");
}

}  // namespace
}  // namespace slipway::deploy
