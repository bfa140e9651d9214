// Tests for parse_host_address().
#include "pipeline/host_address.h"

#include <gtest/gtest.h>

namespace slipway::pipeline {
namespace {

std::string error_of(std::string_view text, UserPart user_part = UserPart::allowed) {
  auto address = parse_host_address(text, user_part);
  return address ? "(no error)" : address.error();
}

TEST(HostAddress, Forms) {
  auto plain = parse_host_address("web1");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->user, "");
  EXPECT_EQ(plain->host, "web1");
  EXPECT_EQ(plain->port, 0);

  auto full = parse_host_address("deploy@web1.example.com:2222");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->user, "deploy");
  EXPECT_EQ(full->host, "web1.example.com");
  EXPECT_EQ(full->port, 2222);

  auto ipv6 = parse_host_address("root@[2001:db8::1]:22");
  ASSERT_TRUE(ipv6);
  EXPECT_EQ(ipv6->host, "2001:db8::1");
  EXPECT_EQ(ipv6->port, 22);

  EXPECT_TRUE(parse_host_address("10.0.0.7:65535"));
}

TEST(HostAddress, RefusesWhatCouldBecomeAnOptionOrSeveralArguments) {
  EXPECT_EQ(error_of("-oProxyCommand=x"), "may not start with '-'");
  EXPECT_EQ(error_of("deploy@-oProxyCommand=x"),
            "has an invalid host name: use letters, digits, '.', '_' and '-'");
  EXPECT_EQ(error_of("web 1"), "contains a space or control character");
  EXPECT_EQ(error_of("web\n1"), "contains a space or control character");
}

TEST(HostAddress, Malformed) {
  EXPECT_EQ(error_of(""), "is empty");
  EXPECT_EQ(error_of("@web"), "has an empty user before '@'");
  EXPECT_EQ(error_of("a@b@c"), "has an invalid host name: use letters, digits, '.', '_' and '-'");
  EXPECT_EQ(error_of("us$er@web"), "has an invalid user: use letters, digits, '.', '_' and '-'");
  EXPECT_EQ(error_of("deploy@"), "has no host");
  EXPECT_EQ(error_of("web:"), "has an empty port after ':'");
  EXPECT_EQ(error_of("web:0"), "has an invalid port: use a number from 1 to 65535");
  EXPECT_EQ(error_of("web:65536"), "has an invalid port: use a number from 1 to 65535");
  EXPECT_EQ(error_of("web:22:33"), "has an invalid port: use a number from 1 to 65535");
  EXPECT_EQ(error_of("[::1"), "has an IPv6 address without a closing ']'");
  EXPECT_EQ(error_of("[zz]"), "has an invalid IPv6 address");
  EXPECT_EQ(error_of("[::1]x"), "has text after the IPv6 address");
  EXPECT_EQ(error_of("deploy@web", UserPart::forbidden), "may not contain a user ('@')");
}

}  // namespace
}  // namespace slipway::pipeline
