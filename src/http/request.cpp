#include "http/request.h"

#include "util/strings.h"

namespace slipway::http {

std::string Request::header(std::string_view name) const {
  auto it = raw.find(boost::beast::string_view(name.data(), name.size()));
  if (it == raw.end()) return {};
  return std::string(it->value());
}

std::optional<std::string> Request::query_value(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

void parse_target(std::string_view target, std::string& path, std::map<std::string, std::string>& query) {
  auto question = target.find('?');
  path = util::url_decode(target.substr(0, question));
  if (question == std::string_view::npos) return;
  for (const auto& pair : util::split(target.substr(question + 1), '&')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key = util::url_decode(std::string_view(pair).substr(0, eq), true);
    std::string value = eq == std::string::npos ? "" : util::url_decode(std::string_view(pair).substr(eq + 1), true);
    query[key] = value;
  }
}

Response json_response(unsigned status, const nlohmann::json& body) {
  Response response{static_cast<beast_http::status>(status), 11};
  response.set(beast_http::field::content_type, "application/json");
  response.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return response;
}

Response error_response(unsigned status, const std::string& message) {
  return json_response(status, {{"error", {{"status", status}, {"message", message}}}});
}

Response text_response(unsigned status, std::string body, const std::string& content_type) {
  Response response{static_cast<beast_http::status>(status), 11};
  response.set(beast_http::field::content_type, content_type);
  response.body() = std::move(body);
  return response;
}

}  // namespace slipway::http
