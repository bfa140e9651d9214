// Tests of parsing the daemon URL and percent-encoding.
#include "cli/server_url.h"

#include <gtest/gtest.h>

namespace slipway::cli {
namespace {

TEST(ServerUrl, ParsesHostPortAndPrefix) {
  auto url = parse_server_url("http://ci.example.com:8080/slipway/");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url->host, "ci.example.com");
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->prefix, "/slipway");
  EXPECT_EQ(url->host_header(), "ci.example.com:8080");
}

TEST(ServerUrl, DefaultsToPort80AndNoPrefix) {
  auto url = parse_server_url("http://localhost");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url->port, "80");
  EXPECT_EQ(url->prefix, "");
  EXPECT_EQ(url->host_header(), "localhost");
}

TEST(ServerUrl, AcceptsAMissingScheme) {
  auto url = parse_server_url("127.0.0.1:7300");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "7300");
}

TEST(ServerUrl, ParsesBracketedIpv6) {
  auto url = parse_server_url("http://[::1]:7300");
  ASSERT_TRUE(url) << url.error();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "7300");
  EXPECT_EQ(url->host_header(), "[::1]:7300");
}

TEST(ServerUrl, RefusesWhatItCannotUse) {
  EXPECT_FALSE(parse_server_url("https://ci.example.com"));
  EXPECT_FALSE(parse_server_url("ftp://ci.example.com"));
  EXPECT_FALSE(parse_server_url("http://:7300"));
  EXPECT_FALSE(parse_server_url("http://host:0"));
  EXPECT_FALSE(parse_server_url("http://host:99999"));
  EXPECT_FALSE(parse_server_url("http://host:port"));
  EXPECT_FALSE(parse_server_url("http://user:secret@host"));
  EXPECT_FALSE(parse_server_url("http://host/?a=b"));
}

TEST(UrlEncode, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(url_encode("release/1.0"), "release%2F1.0");
  EXPECT_EQ(url_encode("a b&c=d"), "a%20b%26c%3Dd");
  EXPECT_EQ(url_encode("hello-app_2~"), "hello-app_2~");
}

}  // namespace
}  // namespace slipway::cli
