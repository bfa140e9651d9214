// The asynchronous HTTP/1.1 server (Boost.Beast on one event loop). It reads
// request headers, lets the handler decide how the body is read (API and
// webhook bodies have size limits; git pushes are spooled to a file) and
// whether the connection is handed over (event streams, git).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "http/request.h"

namespace slipway::http {

using HeaderParser = beast_http::request_parser<beast_http::empty_body>;

// What the application does with a request, decided from its header.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Bytes of body accepted for a request with this header; 0 means the
  // handler takes the connection over now (take_over is called instead).
  virtual std::size_t body_limit(const HeaderParser::value_type& header) = 0;
  virtual void take_over(boost::beast::tcp_stream stream, boost::beast::flat_buffer buffer,
                         std::unique_ptr<HeaderParser> parser, std::string remote_address) = 0;
  // Handles a whole request. Returning nothing means the handler took the
  // connection (STREAM has been moved from).
  virtual std::optional<Response> handle(Request& request, boost::beast::tcp_stream& stream) = 0;
  // After handle gave a response (errors included): its status and how long
  // handling took, for the metrics.
  virtual void answered(const Request& request, unsigned status, std::chrono::steady_clock::duration took) {}
};

class HttpServer {
 public:
  // Binds and listens on ADDRESS:PORT; throws util::Error when it cannot.
  HttpServer(boost::asio::io_context& io, const std::string& address, unsigned short port,
             RequestHandler& handler);
  void start();
  void stop_accepting();
  unsigned short port() const;

 private:
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  RequestHandler& handler_;
};

}  // namespace slipway::http
