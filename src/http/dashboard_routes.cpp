#include "http/dashboard_routes.h"

#include <map>
#include <string>

#include "http/embedded_files.h"
#include "util/crypto.h"

namespace slipway::http {

namespace {

struct Asset {
  std::string_view data;
  std::string etag;
  std::string content_type;
};

std::string content_type_of(std::string_view name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

const std::map<std::string, Asset, std::less<>>& assets() {
  static const auto all = [] {
    std::map<std::string, Asset, std::less<>> out;
    for (const auto& file : embedded_files()) {
      std::string digest = util::sha256_hex(file.data);
      out[std::string(file.name)] = {file.data, "\"" + digest.substr(0, 20) + "\"", content_type_of(file.name)};
    }
    return out;
  }();
  return all;
}

Response serve(const Request& request, const Asset& asset) {
  Response response{beast_http::status::ok, 11};
  if (request.header("If-None-Match") == asset.etag) {
    response.result(beast_http::status::not_modified);
  } else {
    response.body() = std::string(asset.data);
    response.set(beast_http::field::content_type, asset.content_type);
  }
  response.set(beast_http::field::etag, asset.etag);
  response.set(beast_http::field::cache_control, "no-cache");  // revalidated: one new binary, one new page
  // Everything comes from this daemon; no inline script, no framing by other sites.
  response.set("Content-Security-Policy",
               "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "same-origin");
  return response;
}

}  // namespace

std::optional<Response> handle_dashboard(const Request& request) {
  std::string_view path = request.path;
  std::string_view name;
  if (path == "/" || path == "/index.html") {
    name = "index.html";
  } else if (path.rfind("/assets/", 0) == 0) {
    name = path.substr(8);
  } else {
    return std::nullopt;
  }
  auto it = assets().find(name);
  if (it == assets().end()) return std::nullopt;
  if (request.method() != beast_http::verb::get && request.method() != beast_http::verb::head) {
    throw HttpError{405, "the dashboard is read with GET"};
  }
  return serve(request, it->second);
}

}  // namespace slipway::http
