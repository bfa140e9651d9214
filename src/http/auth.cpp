#include "http/auth.h"

#include <boost/beast/core/detail/base64.hpp>

#include "http/request.h"
#include "util/clock.h"
#include "util/crypto.h"
#include "util/strings.h"

namespace slipway::http {

std::optional<std::string> token_from_authorization(std::string_view header) {
  header = util::trim(header);
  auto space = header.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string scheme = util::to_lower(header.substr(0, space));
  std::string_view value = util::trim(header.substr(space + 1));
  if (scheme == "bearer") {
    if (value.empty()) return std::nullopt;
    return std::string(value);
  }
  if (scheme == "basic") {
    namespace base64 = boost::beast::detail::base64;
    if (value.size() > 4096) return std::nullopt;
    std::string decoded(base64::decoded_size(value.size()), '\0');
    auto [written, read] = base64::decode(decoded.data(), value.data(), value.size());
    decoded.resize(written);
    auto colon = decoded.find(':');
    if (colon == std::string::npos || colon + 1 == decoded.size()) return std::nullopt;
    return decoded.substr(colon + 1);
  }
  return std::nullopt;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  for (auto part : util::split(header, ';')) {
    std::string_view pair = util::trim(part);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || util::trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = util::trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return {};
}

std::string csrf_token(std::string_view session_id) { return util::hmac_sha256_hex(session_id, "slipway csrf"); }

Credentials Credentials::of(const Request& request) {
  Credentials credentials;
  credentials.authorization = request.header("Authorization");
  credentials.session = cookie_value(request.header("Cookie"), kSessionCookie);
  credentials.csrf = request.header(kCsrfHeader);
  credentials.changes_state =
      request.method() != beast_http::verb::get && request.method() != beast_http::verb::head;
  return credentials;
}

std::optional<store::Token> Authenticator::identify(std::string_view authorization_header) const {
  auto token = token_from_authorization(authorization_header);
  if (!token) return std::nullopt;
  return store_.find_token_by_hash(util::sha256_hex(*token));
}

std::optional<store::Token> Authenticator::require(const Credentials& credentials, store::Role role) const {
  std::optional<store::Token> token;
  if (!credentials.authorization.empty()) {
    token = identify(credentials.authorization);
    if (!token) throw HttpError{401, "invalid token"};
  } else if (!credentials.session.empty()) {
    token = store_.find_session_token(util::sha256_hex(credentials.session), util::now_ms());
    if (!token) {
      // An ended session is no one: enough to read a public daemon, never to change anything.
      if (role == store::Role::viewer && public_read_ && !credentials.changes_state) return std::nullopt;
      throw HttpError{401, "the session has ended: sign in again"};
    }
    // A cookie is sent by the browser whoever made the page; the CSRF token
    // only by our own pages, which read it from the session.
    if (credentials.changes_state && !util::constant_time_equal(credentials.csrf, csrf_token(credentials.session))) {
      throw HttpError{403, "missing or wrong X-CSRF-Token for this session"};
    }
  } else {
    if (role == store::Role::viewer && public_read_) return std::nullopt;
    throw HttpError{401, "a token is required (Authorization: Bearer TOKEN)"};
  }
  if (static_cast<int>(token->role) < static_cast<int>(role)) {
    std::string needed(store::to_string(role));
    throw HttpError{403, "this needs " + std::string(needed == "admin" ? "an " : "a ") + needed + " token; yours is " +
                             std::string(store::to_string(token->role))};
  }
  return token;
}

}  // namespace slipway::http
