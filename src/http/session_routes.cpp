#include "http/session_routes.h"

#include "http/route_helpers.h"
#include "util/clock.h"
#include "util/crypto.h"

namespace slipway::http {

namespace {

using nlohmann::json;
using verb = beast_http::verb;

constexpr std::int64_t kSessionSeconds = 7 * 24 * 3600;

// Secure when the daemon is reached over https (its base URL, or a proxy in front that says so).
bool over_https(const ServerContext& context, const Request& request) {
  return context.base_url.rfind("https://", 0) == 0 || request.header("X-Forwarded-Proto") == "https";
}

std::string session_cookie(const std::string& value, std::int64_t max_age, bool secure) {
  std::string cookie = std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(max_age);
  if (secure) cookie += "; Secure";
  return cookie;
}

json who_json(const store::Token& token, const std::string& session_id) {
  return {{"signed_in", true},
          {"name", token.name},
          {"role", store::to_string(token.role)},
          {"csrf_token", csrf_token(session_id)}};
}

Response sign_in(ServerContext& context, const Request& request) {
  auto body = parse_body(request);
  std::string token_text = string_field(body, "token");
  auto token = token_text.empty() ? std::nullopt : context.store.find_token_by_hash(util::sha256_hex(token_text));
  if (!token) throw HttpError{401, "unknown token"};
  std::string session_id = util::random_hex(32);
  context.store.create_session(util::sha256_hex(session_id), token->id, util::now_ms() + kSessionSeconds * 1000);
  auto response = json_response(201, who_json(*token, session_id));
  response.set(beast_http::field::set_cookie, session_cookie(session_id, kSessionSeconds, over_https(context, request)));
  response.set(beast_http::field::cache_control, "no-store");
  return response;
}

}  // namespace

Response handle_session(ServerContext& context, const Request& request) {
  require_method(request, {verb::get, verb::post, verb::delete_});
  auto credentials = Credentials::of(request);
  if (request.method() == verb::post) return sign_in(context, request);
  if (request.method() == verb::delete_) {
    if (!credentials.session.empty()) {
      context.auth.require(credentials, store::Role::viewer);  // checks the CSRF token: no forced sign-out
      context.store.delete_session(util::sha256_hex(credentials.session));
    }
    auto response = json_response(200, {{"signed_in", false}});
    response.set(beast_http::field::set_cookie, session_cookie("", 0, over_https(context, request)));
    return response;
  }
  json answer = {{"signed_in", false}, {"public", context.auth.public_read()}, {"version", SLIPWAY_VERSION}};
  if (!credentials.session.empty()) {
    if (auto token = context.store.find_session_token(util::sha256_hex(credentials.session), util::now_ms())) {
      answer = who_json(*token, credentials.session);
      answer["public"] = context.auth.public_read();
      answer["version"] = SLIPWAY_VERSION;
    }
  }
  auto response = json_response(200, answer);
  response.set(beast_http::field::cache_control, "no-store");
  return response;
}

}  // namespace slipway::http
