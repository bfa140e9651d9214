// Tests of reading the API token out of an Authorization header.
#include "http/auth.h"

#include <gtest/gtest.h>

namespace slipway::http {
namespace {

TEST(TokenFromAuthorization, ReadsABearerToken) {
  EXPECT_EQ(token_from_authorization("Bearer abc123"), "abc123");
  EXPECT_EQ(token_from_authorization("bearer abc123"), "abc123");
  EXPECT_EQ(token_from_authorization("BEARER abc123"), "abc123");
}

TEST(TokenFromAuthorization, ToleratesExtraSpaces) {
  EXPECT_EQ(token_from_authorization("  Bearer    abc123  "), "abc123");
  EXPECT_EQ(token_from_authorization("Basic   eDpzZWNyZXQ= "), "secret");
}

// git sends the token as the password of HTTP basic auth; the user name is ignored.
TEST(TokenFromAuthorization, ReadsTheBasicPassword) {
  EXPECT_EQ(token_from_authorization("Basic dXNlcjpwYXNz"), "pass");            // user:pass
  EXPECT_EQ(token_from_authorization("basic eDpzZWNyZXQ="), "secret");          // x:secret
  EXPECT_EQ(token_from_authorization("Basic OnRva2Vu"), "token");               // :token
  EXPECT_EQ(token_from_authorization("Basic dTpwYTpzczp3b3Jk"), "pa:ss:word");  // u:pa:ss:word
}

TEST(TokenFromAuthorization, RejectsABasicHeaderWithoutAPassword) {
  EXPECT_FALSE(token_from_authorization("Basic dXNlcjo="));  // user:
  EXPECT_FALSE(token_from_authorization("Basic dXNlcg=="));  // user
  EXPECT_FALSE(token_from_authorization("Basic "));
  EXPECT_FALSE(token_from_authorization("Basic"));
}

TEST(TokenFromAuthorization, RejectsGarbageBase64) {
  EXPECT_FALSE(token_from_authorization("Basic !!!!"));
  EXPECT_FALSE(token_from_authorization("Basic %%%%%%%%"));
  EXPECT_FALSE(token_from_authorization("Basic " + std::string(5000, 'A')));  // too long to bother
}

TEST(TokenFromAuthorization, RejectsOtherSchemesAndEmptyValues) {
  EXPECT_FALSE(token_from_authorization(""));
  EXPECT_FALSE(token_from_authorization("   "));
  EXPECT_FALSE(token_from_authorization("abc123"));
  EXPECT_FALSE(token_from_authorization("Bearer"));
  EXPECT_FALSE(token_from_authorization("Bearer   "));
  EXPECT_FALSE(token_from_authorization("Token abc123"));
  EXPECT_FALSE(token_from_authorization("Digest username=\"x\""));
  EXPECT_FALSE(token_from_authorization("Bearerabc123"));
}

}  // namespace
}  // namespace slipway::http
