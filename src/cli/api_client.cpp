// Requests to the daemon's REST API and the translation of its errors.
#include "cli/api_client.h"

#include <fmt/format.h>

#include "util/strings.h"

namespace slipway::cli {

namespace {

using namespace std::chrono_literals;

constexpr auto kConnectTimeout = 10s;
// Creating a project with a source clones it, so answers may take a while.
constexpr auto kAnswerTimeout = 120s;

std::string first_line(std::string_view text) {
  std::string line(text.substr(0, text.find('\n')));
  return line.size() > 200 ? line.substr(0, 200) + "…" : line;
}

}  // namespace

util::Expected<ApiClient> ApiClient::create(const ClientSettings& settings) {
  auto url = parse_server_url(settings.url);
  if (!url) return util::unexpected(url.error());
  return ApiClient(std::move(*url), settings);
}

std::string ApiClient::target(std::string_view path, const Query& query) const {
  std::string out = url_.prefix + "/api/v1" + std::string(path);
  char separator = '?';
  for (const auto& [name, value] : query) {
    out += separator;
    out += url_encode(name) + "=" + url_encode(value);
    separator = '&';
  }
  return out;
}

HttpConnection ApiClient::send(HttpRequest request, int& status) const {
  if (!settings_.token.empty()) request.headers.emplace_back("Authorization", "Bearer " + settings_.token);
  HttpConnection connection = HttpConnection::open(url_, kConnectTimeout);
  status = connection.start(request, kAnswerTimeout);
  return connection;
}

void ApiClient::throw_api_error(int status, const std::string& body, const std::string& what) const {
  std::string message;
  try {
    auto json = nlohmann::json::parse(body);
    message = json.at("error").at("message").get<std::string>();
  } catch (const std::exception&) {
    // Not the daemon's error format: a proxy, or not slipway at all.
    message = fmt::format("{} answered {} to {}{}", url_.text, status, what,
                          body.empty() ? "" : ": " + first_line(body));
  }
  if (status == 401) {
    if (settings_.token.empty()) {
      message +=
          " (no token: pass --token, set SLIPWAY_TOKEN, or run `slipway token create --home DIR --save`"
          " on the server)";
    } else {
      message += fmt::format(" (the token from {} was refused)", settings_.token_origin);
    }
  }
  throw ApiError(status, message);
}

ApiResponse ApiClient::json_exchange(HttpRequest request) const {
  request.headers.emplace_back("Accept", "application/json");
  if (request.method == "POST" || request.method == "PUT") request.headers.emplace_back("Content-Type", "application/json");
  std::string what = request.method + " " + request.target;
  int status = 0;
  HttpConnection connection = send(std::move(request), status);
  std::string body = connection.read_body(kAnswerTimeout);
  if (status >= 400) throw_api_error(status, body, what);

  ApiResponse response;
  response.status = status;
  if (status == 204 || body.empty()) return response;
  try {
    response.body = nlohmann::json::parse(body);
  } catch (const std::exception&) {
    throw util::Error(fmt::format("{} answered {} with something that is not JSON ({}) — is it slipway?",
                                  url_.text, what, first_line(body)));
  }
  return response;
}

ApiResponse ApiClient::get(std::string_view path, const Query& query) const {
  return json_exchange(HttpRequest{"GET", target(path, query), {}, ""});
}

ApiResponse ApiClient::post(std::string_view path, const nlohmann::json& body) const {
  return json_exchange(HttpRequest{"POST", target(path, {}), {}, body.dump()});
}

ApiResponse ApiClient::put(std::string_view path, const nlohmann::json& body) const {
  return json_exchange(HttpRequest{"PUT", target(path, {}), {}, body.dump()});
}

ApiResponse ApiClient::patch(std::string_view path, const nlohmann::json& body) const {
  return json_exchange(HttpRequest{"PATCH", target(path, {}), {}, body.dump()});
}

ApiResponse ApiClient::del(std::string_view path) const {
  return json_exchange(HttpRequest{"DELETE", target(path, {}), {}, ""});
}

std::string ApiClient::get_text(std::string_view path, const Query& query) const {
  HttpRequest request{"GET", target(path, query), {{"Accept", "text/plain"}}, ""};
  std::string what = "GET " + request.target;
  int status = 0;
  HttpConnection connection = send(std::move(request), status);
  std::string body = connection.read_body(kAnswerTimeout);
  if (status >= 400) throw_api_error(status, body, what);
  return body;
}

LogChunk ApiClient::get_log(std::string_view path, const Query& query) const {
  HttpRequest request{"GET", target(path, query), {{"Accept", "text/plain"}}, ""};
  std::string what = "GET " + request.target;
  int status = 0;
  HttpConnection connection = send(std::move(request), status);
  LogChunk chunk;
  chunk.text = connection.read_body(kAnswerTimeout);
  if (status >= 400) throw_api_error(status, chunk.text, what);

  unsigned long long offset = 0;
  for (const auto& [name, value] : query) {
    if (name == "offset") util::parse_uint(value, offset);
  }
  unsigned long long number = 0;
  chunk.end = util::parse_uint(connection.header("X-Log-End"), number) ? number : offset + chunk.text.size();
  chunk.size = util::parse_uint(connection.header("X-Log-Size"), number) ? number : chunk.end;
  return chunk;
}

HttpConnection ApiClient::open_event_stream(std::string_view path, const std::string& last_event_id) const {
  HttpRequest request{
      "GET", target(path, {}), {{"Accept", "text/event-stream"}, {"Cache-Control", "no-cache"}}, ""};
  if (!last_event_id.empty()) request.headers.emplace_back("Last-Event-ID", last_event_id);
  std::string what = "GET " + request.target;
  int status = 0;
  HttpConnection connection = send(std::move(request), status);
  if (status >= 400) throw_api_error(status, connection.read_body(kAnswerTimeout), what);
  if (status != 200) throw util::Error(fmt::format("{} answered {} to {}", url_.text, status, what));
  return connection;
}

}  // namespace slipway::cli
