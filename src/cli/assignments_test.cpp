// Tests of the KEY=VALUE and PROCESS=COUNT arguments.
#include "cli/assignments.h"

#include <gtest/gtest.h>

#include "cli/command_context.h"

namespace slipway::cli {
namespace {

using Config = std::vector<std::pair<std::string, std::string>>;
using Scale = std::vector<std::pair<std::string, int>>;

TEST(ConfigKey, IsAnEnvironmentVariableName) {
  EXPECT_TRUE(is_config_key("DATABASE_URL"));
  EXPECT_TRUE(is_config_key("_private"));
  EXPECT_TRUE(is_config_key("a1"));
  EXPECT_FALSE(is_config_key(""));
  EXPECT_FALSE(is_config_key("1A"));
  EXPECT_FALSE(is_config_key("A-B"));
  EXPECT_FALSE(is_config_key("A B"));
  EXPECT_FALSE(is_config_key("É"));
}

TEST(ConfigAssignments, SplitAtTheFirstEquals) {
  EXPECT_EQ(parse_config_assignments({"A=1", "URL=postgres://u:p@h/db?x=y", "EMPTY="}),
            (Config{{"A", "1"}, {"URL", "postgres://u:p@h/db?x=y"}, {"EMPTY", ""}}));
  EXPECT_EQ(parse_config_assignments({}), Config{});
}

TEST(ConfigAssignments, NameTheBadArgument) {
  try {
    parse_config_assignments({"A=1", "NOEQUALS"});
    FAIL() << "no exception";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "'NOEQUALS' is not KEY=VALUE");
  }
  EXPECT_THROW(parse_config_assignments({"=value"}), UsageError);
  EXPECT_THROW(parse_config_assignments({"9LIVES=x"}), UsageError);
  EXPECT_THROW(parse_config_assignments({"MY-KEY=x"}), UsageError);
  EXPECT_THROW(check_config_keys({"OK", "not ok"}), UsageError);
  EXPECT_NO_THROW(check_config_keys({"OK", "ALSO_OK"}));
}

TEST(ScaleAssignments, ReadProcessCounts) {
  EXPECT_EQ(parse_scale_assignments({"web=3", "worker=0", "queue-2=20"}),
            (Scale{{"web", 3}, {"worker", 0}, {"queue-2", 20}}));
}

TEST(ScaleAssignments, RefuseBadCounts) {
  EXPECT_THROW(parse_scale_assignments({"web"}), UsageError);
  EXPECT_THROW(parse_scale_assignments({"web="}), UsageError);
  EXPECT_THROW(parse_scale_assignments({"web=-1"}), UsageError);
  EXPECT_THROW(parse_scale_assignments({"web=two"}), UsageError);
  EXPECT_THROW(parse_scale_assignments({"=2"}), UsageError);
  EXPECT_THROW(parse_scale_assignments({"we b=2"}), UsageError);
  try {
    parse_scale_assignments({"web=21"});
    FAIL() << "no exception";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "web=21: at most 20 instances per process");
  }
}

}  // namespace
}  // namespace slipway::cli
