// Tests of parsing the proxy's listen address setting.
#include "proxy/listen_address.h"

#include <gtest/gtest.h>

namespace slipway::proxy {
namespace {

TEST(ProxyListenAddressTest, ParsesTheAcceptedForms) {
  auto v4 = parse_listen_address("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  EXPECT_EQ(v4->nginx_text(), "127.0.0.1:8080");
  EXPECT_EQ(v4->connect_host(), "127.0.0.1");

  auto v6 = parse_listen_address("[::1]:80");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->nginx_text(), "[::1]:80");

  auto any = parse_listen_address("8080");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->nginx_text(), "*:8080");
  EXPECT_EQ(any->connect_host(), "127.0.0.1");

  EXPECT_EQ(parse_listen_address("[::]:8080")->connect_host(), "::1");
  EXPECT_EQ(parse_listen_address("localhost:8080")->nginx_text(), "localhost:8080");
}

TEST(ProxyListenAddressTest, RefusesAnythingElse) {
  for (const char* bad :
       {"", ":8080", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:80;", "a b:80", "a;b:80",
        "[::1]80", "[]:80", "[::1;]:80", "-x:80", "host:port", "127.0.0.1:80 default_server"}) {
    EXPECT_FALSE(parse_listen_address(bad)) << bad;
  }
  EXPECT_EQ(parse_listen_address("a;b:80").error(),
            "invalid listen address 'a;b:80': expected ADDRESS:PORT, [IPv6]:PORT or PORT");
}

}  // namespace
}  // namespace slipway::proxy
