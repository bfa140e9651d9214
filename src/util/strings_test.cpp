// Tests of the small string helpers, above all url_decode and parse_uint,
// which read values from requests.
#include "util/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace slipway::util {
namespace {

using Parts = std::vector<std::string>;

TEST(Split, KeepsEmptyParts) {
  EXPECT_EQ(split("a,b,c", ','), (Parts{"a", "b", "c"}));
  EXPECT_EQ(split("a,,b", ','), (Parts{"a", "", "b"}));
  EXPECT_EQ(split(",a,", ','), (Parts{"", "a", ""}));
  EXPECT_EQ(split("", ','), (Parts{""}));
  EXPECT_EQ(split("abc", ','), (Parts{"abc"}));
}

TEST(Trim, RemovesWhitespaceAtBothEnds) {
  EXPECT_EQ(trim("  a b  "), "a b");
  EXPECT_EQ(trim("\t\r\n a\r\n"), "a");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("x"), "x");
}

TEST(Join, PutsTheSeparatorBetweenParts) {
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join({"a"}, ","), "a");
  EXPECT_EQ(join({}, ","), "");
  EXPECT_EQ(join({"", ""}, "-"), "-");
}

TEST(ToLower, LowersAsciiOnly) {
  EXPECT_EQ(to_lower("Bearer ABC-9"), "bearer abc-9");
  EXPECT_EQ(to_lower("\xC3\x89"), "\xC3\x89");  // UTF-8 bytes are left alone
}

TEST(UrlDecode, DecodesEscapesInBothCases) {
  EXPECT_EQ(url_decode("a%20b"), "a b");
  EXPECT_EQ(url_decode("%2f%2F"), "//");
  EXPECT_EQ(url_decode("%e2%9c%93"), "\xe2\x9c\x93");
}

TEST(UrlDecode, DecodesAnEscapeAtTheVeryEnd) {
  EXPECT_EQ(url_decode("%41"), "A");
  EXPECT_EQ(url_decode("x%41"), "xA");
}

TEST(UrlDecode, KeepsMalformedEscapesAsTheyAre) {
  EXPECT_EQ(url_decode("%"), "%");
  EXPECT_EQ(url_decode("a%4"), "a%4");
  EXPECT_EQ(url_decode("%zz"), "%zz");
  EXPECT_EQ(url_decode("%4g1"), "%4g1");
  EXPECT_EQ(url_decode("100%"), "100%");
  EXPECT_EQ(url_decode("%%41"), "%A");
}

TEST(UrlDecode, DecodesNulToo) {
  using namespace std::string_literals;
  EXPECT_EQ(url_decode("a%00b"), "a\0b"s);
}

TEST(UrlDecode, PlusIsASpaceOnlyInFormMode) {
  EXPECT_EQ(url_decode("a+b"), "a+b");
  EXPECT_EQ(url_decode("a+b", true), "a b");
  EXPECT_EQ(url_decode("a%2Bb", true), "a+b");
}

TEST(ParseUint, AcceptsPlainDecimals) {
  unsigned long long value = 99;
  EXPECT_TRUE(parse_uint("0", value));
  EXPECT_EQ(value, 0u);
  EXPECT_TRUE(parse_uint("00042", value));
  EXPECT_EQ(value, 42u);
  EXPECT_TRUE(parse_uint("18446744073709551615", value));
  EXPECT_EQ(value, 18446744073709551615ull);
}

TEST(ParseUint, RejectsEverythingElse) {
  unsigned long long value = 0;
  for (const char* text :
       {"", "-1", "+1", " 1", "1 ", "1a", "0x10", "1.5", "18446744073709551616", "99999999999999999999999"}) {
    EXPECT_FALSE(parse_uint(text, value)) << '"' << text << '"';
  }
}

TEST(MaskSecrets, ReplacesEveryOccurrenceOfEverySecret) {
  EXPECT_EQ(mask_secrets("key=abc, again abc; other xyz", {"abc", "xyz", ""}), "key=****, again ****; other ****");
  EXPECT_EQ(mask_secrets("nothing here", {}), "nothing here");
  EXPECT_EQ(mask_secrets("aaaa", {"aa"}), "********");
  EXPECT_EQ(mask_secrets("token=abcdef", {"abc", "abcdef"}), "token=****");  // the longer secret whole
}

TEST(UniqueEnvironment, KeepsTheLastValueOfEachName) {
  EXPECT_EQ(unique_environment({"A=1", "B=2", "A=3", "C"}), (std::vector<std::string>{"B=2", "A=3", "C"}));
}

}  // namespace
}  // namespace slipway::util
