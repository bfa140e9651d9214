// /git/NAME.git/...: git's smart HTTP protocol, served by `git http-backend`
// as a CGI child. The request body is spooled to a file (pushes can be large
// and arrive chunked), the CGI output is streamed back chunked, and after a
// push every branch whose head moved gets a run.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <string>

#include "http/server.h"
#include "http/server_context.h"

namespace slipway::http {

void serve_git(ServerContext& context, boost::beast::tcp_stream stream, boost::beast::flat_buffer buffer,
               std::unique_ptr<HeaderParser> parser, std::string remote_address);

}  // namespace slipway::http
