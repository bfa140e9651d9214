// Who is asking: API tokens from `Authorization: Bearer` (API) or HTTP basic
// auth's password (git), checked against the stored hashes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/records.h"
#include "store/store.h"

namespace slipway::http {

// The token in an Authorization header value, Bearer or Basic (the password).
std::optional<std::string> token_from_authorization(std::string_view header);

class Authenticator {
 public:
  Authenticator(store::Store& store, bool public_read) : store_(store), public_read_(public_read) {}

  std::optional<store::Token> identify(std::string_view authorization_header) const;
  // Throws HttpError 401/403 unless the header carries a token with at least
  // ROLE (viewer requests pass without one when the daemon is public).
  std::optional<store::Token> require(std::string_view authorization_header, store::Role role) const;

 private:
  store::Store& store_;
  bool public_read_;
};

}  // namespace slipway::http
