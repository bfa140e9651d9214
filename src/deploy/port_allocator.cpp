// free_loopback_port(): bind 127.0.0.1:0, read the port the kernel chose, close.
#include "deploy/port_allocator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "util/error.h"
#include "util/fd.h"

namespace slipway::deploy {

namespace {

// The kernel picks among thousands of ephemeral ports, so a few tries get past AVOID.
constexpr int max_tries = 64;

int bound_port() {
  util::Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket.valid()) util::throw_errno("socket for a free loopback port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), size) != 0) {
    util::throw_errno("bind 127.0.0.1:0 for a free loopback port");
  }
  if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    util::throw_errno("getsockname of a free loopback port");
  }
  return ntohs(address.sin_port);
}

}  // namespace

int free_loopback_port(const std::set<int>& avoid) {
  for (int attempt = 0; attempt < max_tries; ++attempt) {
    int port = bound_port();
    if (!avoid.contains(port)) return port;
  }
  throw util::Error("no free loopback port outside the " + std::to_string(avoid.size()) +
                    " already in use after " + std::to_string(max_tries) + " tries");
}

}  // namespace slipway::deploy
