// Who is asking: API tokens from `Authorization: Bearer` (API) or HTTP basic
// auth's password (git), checked against the stored hashes; or the
// dashboard's session cookie, which stands for a token and needs the
// session's CSRF token on every request that changes something.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/records.h"
#include "store/store.h"

namespace slipway::http {

struct Request;

inline constexpr const char* kSessionCookie = "slipway_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

// The token in an Authorization header value, Bearer or Basic (the password).
std::optional<std::string> token_from_authorization(std::string_view header);
// The value of cookie NAME in a Cookie header; empty when it is not there.
std::string cookie_value(std::string_view header, std::string_view name);
// The CSRF token that belongs to a session: derived from the cookie's secret
// value, so it need not be stored and cannot be guessed without it.
std::string csrf_token(std::string_view session_id);

// What a request presents: a token, or a session cookie with its CSRF header.
struct Credentials {
  std::string authorization;  // the Authorization header
  std::string session;        // the session cookie's value
  std::string csrf;           // the X-CSRF-Token header
  bool changes_state = true;  // anything but GET and HEAD

  static Credentials of(const Request& request);
};

class Authenticator {
 public:
  Authenticator(store::Store& store, bool public_read) : store_(store), public_read_(public_read) {}

  std::optional<store::Token> identify(std::string_view authorization_header) const;
  // Throws HttpError 401/403 unless the request carries a token (or a live
  // session, with the CSRF token when it changes state) with at least ROLE.
  // Viewer requests pass without one when the daemon is public.
  std::optional<store::Token> require(const Credentials& credentials, store::Role role) const;
  bool public_read() const { return public_read_; }

 private:
  store::Store& store_;
  bool public_read_;
};

}  // namespace slipway::http
