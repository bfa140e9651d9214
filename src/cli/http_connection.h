// One HTTP/1.1 exchange with the daemon over its own TCP connection. Every step
// runs under a deadline: synchronous Beast calls have none, so each operation is
// started asynchronously on a private io_context and run until it completes or
// its timer closes the socket. Used for plain requests and for long event streams.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/server_url.h"
#include "util/error.h"

namespace slipway::cli {

// The daemon could not be reached or the connection broke: worth a retry, unlike an API error.
class ConnectionError : public util::Error {
 public:
  using util::Error::Error;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path and query, already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class HttpConnection {
 public:
  // Resolves and connects; throws ConnectionError saying the daemon is not reachable.
  static HttpConnection open(const ServerUrl& url, std::chrono::milliseconds timeout);

  HttpConnection(HttpConnection&&) noexcept;
  HttpConnection& operator=(HttpConnection&&) noexcept;
  ~HttpConnection();

  // Sends REQUEST and reads the response's status line and headers; returns the status.
  int start(const HttpRequest& request, std::chrono::milliseconds timeout);
  // A response header ("" when absent); valid after start().
  std::string header(std::string_view name) const;

  // The next piece of the body as it arrives (possibly empty), waiting at most IDLE
  // for bytes; nullopt once the body is complete. Throws ConnectionError when the
  // connection breaks or stays silent too long.
  std::optional<std::string> read_body_some(std::chrono::milliseconds idle);
  std::string read_body(std::chrono::milliseconds idle);

 private:
  struct State;
  explicit HttpConnection(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace slipway::cli
