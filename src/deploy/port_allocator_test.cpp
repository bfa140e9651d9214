// Tests of free_loopback_port().
#include "deploy/port_allocator.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "util/fd.h"

namespace slipway::deploy {
namespace {

TEST(FreeLoopbackPort, GivesABindablePort) {
  int port = free_loopback_port({});
  ASSERT_GT(port, 0);
  ASSERT_LE(port, 65535);
  util::Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  EXPECT_EQ(::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
}

TEST(FreeLoopbackPort, SkipsPortsToAvoid) {
  std::set<int> avoid;
  for (int i = 0; i < 20; ++i) {
    int port = free_loopback_port(avoid);
    EXPECT_FALSE(avoid.contains(port));
    avoid.insert(port);
  }
  EXPECT_EQ(avoid.size(), 20u);
}

}  // namespace
}  // namespace slipway::deploy
