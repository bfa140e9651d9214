// The daemon's REST API (docs/API.md) as the client sees it: requests to
// /api/v1/... with the bearer token, JSON in and out, and {"error": {...}}
// answers turned into ApiError with the daemon's own message.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/client_config.h"
#include "cli/http_connection.h"
#include "cli/server_url.h"
#include "util/error.h"
#include "util/expected.h"

namespace slipway::cli {

// The daemon answered with an error status; what() is its message ("no run 42").
class ApiError : public util::Error {
 public:
  ApiError(int status, const std::string& message) : util::Error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

using Query = std::vector<std::pair<std::string, std::string>>;  // values unencoded

struct ApiResponse {
  int status = 0;
  nlohmann::json body;  // null for 204
};

// A piece of a log that grows (a deployment's, an app process's): its bytes, where
// they end in the log (X-Log-End) and the log's size when it was read (X-Log-Size).
struct LogChunk {
  std::string text;
  std::uint64_t end = 0;
  std::uint64_t size = 0;
  // Where TEXT starts in the log.
  std::uint64_t start() const { return end >= text.size() ? end - text.size() : 0; }
};

class ApiClient {
 public:
  static util::Expected<ApiClient> create(const ClientSettings& settings);

  // PATH is below /api/v1 ("/runs/7"). Each throws ApiError for a 4xx/5xx answer
  // and ConnectionError when the daemon cannot be reached.
  ApiResponse get(std::string_view path, const Query& query = {}) const;
  ApiResponse post(std::string_view path, const nlohmann::json& body = nlohmann::json::object()) const;
  ApiResponse put(std::string_view path, const nlohmann::json& body) const;
  ApiResponse patch(std::string_view path, const nlohmann::json& body) const;
  ApiResponse del(std::string_view path) const;
  // A text/plain resource such as a step log.
  std::string get_text(std::string_view path, const Query& query = {}) const;
  // A text/plain log answered with X-Log-End and X-Log-Size; without those headers
  // the chunk is taken to start at the query's offset (0 when not given).
  LogChunk get_log(std::string_view path, const Query& query = {}) const;

  // Starts GET PATH as a Server-Sent Events stream, resuming after LAST_EVENT_ID
  // when it is not empty; the connection is left positioned at the body.
  HttpConnection open_event_stream(std::string_view path, const std::string& last_event_id) const;

  const ServerUrl& url() const { return url_; }

 private:
  ApiClient(ServerUrl url, ClientSettings settings) : url_(std::move(url)), settings_(std::move(settings)) {}

  HttpConnection send(HttpRequest request, int& status) const;
  ApiResponse json_exchange(HttpRequest request) const;
  std::string target(std::string_view path, const Query& query) const;
  [[noreturn]] void throw_api_error(int status, const std::string& body, const std::string& what) const;

  ServerUrl url_;
  ClientSettings settings_;
};

}  // namespace slipway::cli
