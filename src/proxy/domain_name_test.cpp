// Tests of domain name validation: what is accepted, how it is normalised, and
// the messages for what is refused.
#include "proxy/domain_name.h"

#include <gtest/gtest.h>

#include <string>

namespace slipway::proxy {
namespace {

std::string error_of(std::string_view text) {
  auto result = validate_domain(text);
  EXPECT_FALSE(result) << "accepted: " << text;
  return result ? std::string() : result.error();
}

TEST(DomainNameTest, AcceptsHostNamesAndLowercasesThem) {
  EXPECT_EQ(*validate_domain("example.test"), "example.test");
  EXPECT_EQ(*validate_domain("Hello.LocalHost"), "hello.localhost");
  EXPECT_EQ(*validate_domain("a-b.c-d.example"), "a-b.c-d.example");
  EXPECT_EQ(*validate_domain("xn--bcher-kva.example"), "xn--bcher-kva.example");
  EXPECT_EQ(*validate_domain("1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(*validate_domain("*.Example.com"), "*.example.com");
  EXPECT_EQ(*validate_domain("*.localhost"), "*.localhost");
}

TEST(DomainNameTest, AcceptsTheLongestNames) {
  std::string label63(63, 'a');
  EXPECT_TRUE(validate_domain(label63 + ".test"));
  // 62 + 61 + 61 + 63 + 2 characters and 4 dots: exactly 253.
  std::string name = std::string(62, 'a') + "." + std::string(61, 'b') + "." + std::string(61, 'c') + "." +
                     std::string(63, 'd') + ".ab";
  ASSERT_EQ(name.size(), 253u);
  EXPECT_TRUE(validate_domain(name));
  EXPECT_NE(error_of(name + "c").find("longer than 253"), std::string::npos);
}

TEST(DomainNameTest, RefusesCharactersThatCouldReachTheConfiguration) {
  EXPECT_EQ(error_of("a;b"), "invalid domain 'a;b': only letters, digits, '-' and '.' are allowed");
  for (const char* bad : {"a b.test", "a.test\nserver_name x", "a{.test", "a}.test", "a\".test", "a'.test",
                          "$host.test", "a/b.test", "a\\b.test", "a_b.test", "a:80.test", "café.test"}) {
    EXPECT_NE(error_of(bad).find("only letters, digits"), std::string::npos) << bad;
  }
  EXPECT_EQ(error_of("a.test\nx"),
            "invalid domain 'a.test\\x0ax': only letters, digits, '-' and '.' are allowed");
}

TEST(DomainNameTest, RefusesMalformedNames) {
  EXPECT_EQ(error_of(""), "invalid domain '': it is empty");
  EXPECT_NE(error_of("localhost").find("at least two labels"), std::string::npos);
  EXPECT_NE(error_of("a..test").find("empty label"), std::string::npos);
  EXPECT_NE(error_of(".a.test").find("empty label"), std::string::npos);
  EXPECT_NE(error_of("a.test.").find("must not end with '.'"), std::string::npos);
  EXPECT_NE(error_of("-a.test").find("must not start or end with '-'"), std::string::npos);
  EXPECT_NE(error_of("a-.test").find("must not start or end with '-'"), std::string::npos);
  EXPECT_NE(error_of(std::string(64, 'a') + ".test").find("longer than 63"), std::string::npos);
}

TEST(DomainNameTest, WildcardOnlyAsTheWholeFirstLabel) {
  for (const char* bad : {"a.*.test", "a*.test", "**.test", "*", "*.", "test.*"}) {
    auto result = validate_domain(bad);
    EXPECT_FALSE(result) << bad;
  }
  EXPECT_NE(error_of("a.*.test").find("whole first label"), std::string::npos);
}

}  // namespace
}  // namespace slipway::proxy
