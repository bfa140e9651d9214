// An HTTP request as the handlers see it, and the JSON responses they give.
#pragma once

#include <boost/beast/http.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace slipway::http {

namespace beast_http = boost::beast::http;

using Response = beast_http::response<beast_http::string_body>;
using RawRequest = beast_http::request<beast_http::string_body>;

struct Request {
  RawRequest raw;
  std::string path;                           // decoded, without the query
  std::map<std::string, std::string> query;   // decoded
  std::string remote_address;

  beast_http::verb method() const { return raw.method(); }
  std::string header(std::string_view name) const;
  std::optional<std::string> query_value(const std::string& name) const;
};

// Splits TARGET into a decoded path and query parameters.
void parse_target(std::string_view target, std::string& path, std::map<std::string, std::string>& query);

Response json_response(unsigned status, const nlohmann::json& body);
// {"error": {"status": S, "message": M}}
Response error_response(unsigned status, const std::string& message);
Response text_response(unsigned status, std::string body, const std::string& content_type = "text/plain");

// Thrown by handlers for an error the client caused; turned into error_response.
struct HttpError {
  unsigned status;
  std::string message;
};

}  // namespace slipway::http
