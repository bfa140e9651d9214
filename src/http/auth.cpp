#include "http/auth.h"

#include <boost/beast/core/detail/base64.hpp>

#include "http/request.h"
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

std::optional<store::Token> Authenticator::identify(std::string_view authorization_header) const {
  auto token = token_from_authorization(authorization_header);
  if (!token) return std::nullopt;
  return store_.find_token_by_hash(util::sha256_hex(*token));
}

std::optional<store::Token> Authenticator::require(std::string_view authorization_header, store::Role role) const {
  auto token = identify(authorization_header);
  if (!token) {
    if (role == store::Role::viewer && public_read_ && authorization_header.empty()) return std::nullopt;
    throw HttpError{401, authorization_header.empty() ? "a token is required (Authorization: Bearer TOKEN)"
                                                      : "invalid token"};
  }
  if (static_cast<int>(token->role) < static_cast<int>(role)) {
    std::string needed(store::to_string(role));
    throw HttpError{403, "this needs " + std::string(needed == "admin" ? "an " : "a ") + needed + " token; yours is " +
                             std::string(store::to_string(token->role))};
  }
  return token;
}

}  // namespace slipway::http
