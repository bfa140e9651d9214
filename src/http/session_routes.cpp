#include "http/session_routes.h"

#include "http/route_helpers.h"
#include "util/clock.h"
#include "util/crypto.h"
#include "util/strings.h"

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

// A sign-in posted by another site's page (a form can post text/plain that
// reads as JSON) would sign the visitor in as someone else: only JSON, which a
// cross-site page cannot send without asking first, and never from another site.
void refuse_cross_site(const Request& request) {
  std::string type = util::to_lower(request.header("Content-Type"));
  if (type.rfind("application/json", 0) != 0) throw HttpError{415, "sign in with Content-Type: application/json"};
  std::string site = request.header("Sec-Fetch-Site");
  if (!site.empty() && site != "same-origin" && site != "none") {
    throw HttpError{403, "a sign-in from another site is refused"};
  }
}

Response sign_in(ServerContext& context, const Request& request) {
  refuse_cross_site(request);
  auto body = parse_body(request);
  std::string token_text = string_field(body, "token");
  auto token = token_text.empty() ? std::nullopt : context.store.find_token_by_hash(util::sha256_hex(token_text));
  if (!token) throw HttpError{401, "unknown token"};
  // A session the browser still holds ends here: one browser, one session.
  auto previous = cookie_value(request.header("Cookie"), kSessionCookie);
  if (!previous.empty()) context.store.delete_session(util::sha256_hex(previous));
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
  bool stale = false;
  if (!credentials.session.empty()) {
    if (auto token = context.store.find_session_token(util::sha256_hex(credentials.session), util::now_ms())) {
      answer = who_json(*token, credentials.session);
      answer["public"] = context.auth.public_read();
      answer["version"] = SLIPWAY_VERSION;
    } else {
      stale = true;
    }
  }
  auto response = json_response(200, answer);
  // An ended session's cookie goes, so that it stops standing in the way (of public reads too).
  if (stale) response.set(beast_http::field::set_cookie, session_cookie("", 0, over_https(context, request)));
  response.set(beast_http::field::cache_control, "no-store");
  return response;
}

}  // namespace slipway::http
