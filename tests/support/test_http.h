// A small synchronous HTTP client for the end-to-end tests.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace slipway::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json json() const;
};

HttpResult http_request(const std::string& method, const std::string& base_url, const std::string& target,
                        const std::string& body = {}, const std::map<std::string, std::string>& headers = {});

// Reads a text/event-stream response until the server closes it or SECONDS
// pass; returns the raw stream body.
std::string read_event_stream(const std::string& base_url, const std::string& target,
                              const std::map<std::string, std::string>& headers, int seconds);

}  // namespace slipway::testing
