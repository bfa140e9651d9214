// Tests of reading the API token out of an Authorization header, the
// session cookie and its CSRF token, and what the Authenticator lets through.
#include "http/auth.h"

#include <gtest/gtest.h>

#include <functional>

#include "http/request.h"
#include "store/temp_store_fixture.h"
#include "util/clock.h"
#include "util/crypto.h"

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

TEST(CookieValue, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(cookie_value("slipway_session=abc", "slipway_session"), "abc");
  EXPECT_EQ(cookie_value("theme=dark; slipway_session=abc; lang=en", "slipway_session"), "abc");
  EXPECT_EQ(cookie_value("theme=dark;slipway_session=\"abc\"", "slipway_session"), "abc");
  EXPECT_EQ(cookie_value("xslipway_session=abc; slipway_session_old=d", "slipway_session"), "");
  EXPECT_EQ(cookie_value("", "slipway_session"), "");
  EXPECT_EQ(cookie_value("slipway_session", "slipway_session"), "");
}

TEST(CsrfToken, BelongsToOneSession) {
  EXPECT_EQ(csrf_token("session-a"), csrf_token("session-a"));
  EXPECT_NE(csrf_token("session-a"), csrf_token("session-b"));
  EXPECT_EQ(csrf_token("session-a").size(), 64u);
  EXPECT_EQ(csrf_token("session-a").find("session-a"), std::string::npos);
}

class AuthenticatorTest : public store::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    deployer_ = store_->create_token("lead", store::Role::deployer, util::sha256_hex("slw_deployer"));
    store_->create_session(util::sha256_hex("live-session"), deployer_.id, util::now_ms() + 60000);
    store_->create_session(util::sha256_hex("old-session"), deployer_.id, util::now_ms() - 1);
  }

  Credentials session(const std::string& id, bool changes_state, const std::string& csrf = "") {
    Credentials credentials;
    credentials.session = id;
    credentials.changes_state = changes_state;
    credentials.csrf = csrf;
    return credentials;
  }

  static unsigned status_of(const std::function<void()>& call) {
    try {
      call();
    } catch (const HttpError& error) {
      return error.status;
    }
    return 200;
  }

  store::Token deployer_;
};

TEST_F(AuthenticatorTest, ASessionStandsForItsTokenAndReadsWithoutACsrfToken) {
  Authenticator auth(*store_, false);
  auto token = auth.require(session("live-session", false), store::Role::deployer);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->name, "lead");
}

TEST_F(AuthenticatorTest, AChangeThroughASessionNeedsItsCsrfToken) {
  Authenticator auth(*store_, false);
  EXPECT_EQ(status_of([&] { auth.require(session("live-session", true), store::Role::deployer); }), 403u);
  EXPECT_EQ(status_of([&] { auth.require(session("live-session", true, csrf_token("other")), store::Role::deployer); }),
            403u);
  EXPECT_EQ(status_of([&] {
              auth.require(session("live-session", true, csrf_token("live-session")), store::Role::deployer);
            }),
            200u);
  EXPECT_EQ(status_of([&] {
              auth.require(session("live-session", true, csrf_token("live-session")), store::Role::admin);
            }),
            403u);
}

TEST_F(AuthenticatorTest, ExpiredUnknownAndDeletedSessionsAre401) {
  Authenticator auth(*store_, false);
  EXPECT_EQ(status_of([&] { auth.require(session("old-session", false), store::Role::viewer); }), 401u);
  EXPECT_EQ(status_of([&] { auth.require(session("made-up", false), store::Role::viewer); }), 401u);
  store_->delete_session(util::sha256_hex("live-session"));
  EXPECT_EQ(status_of([&] { auth.require(session("live-session", false), store::Role::viewer); }), 401u);
}

// A public daemon reads for anyone, so an ended session reads as no one; it still changes nothing.
TEST_F(AuthenticatorTest, AnEndedSessionIsAnonymousOnAPublicDaemon) {
  Authenticator auth(*store_, true);
  EXPECT_EQ(status_of([&] { auth.require(session("old-session", false), store::Role::viewer); }), 200u);
  EXPECT_FALSE(auth.require(session("old-session", false), store::Role::viewer));
  EXPECT_EQ(status_of([&] { auth.require(session("old-session", true), store::Role::viewer); }), 401u);
  EXPECT_EQ(status_of([&] { auth.require(session("old-session", false), store::Role::deployer); }), 401u);
  EXPECT_EQ(status_of([&] { auth.require(Credentials{"", "", "", false}, store::Role::viewer); }), 200u);
  EXPECT_EQ(status_of([&] { auth.require(Credentials{"", "", "", true}, store::Role::deployer); }), 401u);
}

TEST_F(AuthenticatorTest, ABearerTokenNeedsNoCsrfTokenAndWinsOverTheCookie) {
  Authenticator auth(*store_, false);
  Credentials credentials = session("made-up", true);
  credentials.authorization = "Bearer slw_deployer";
  EXPECT_EQ(status_of([&] { auth.require(credentials, store::Role::deployer); }), 200u);
}

}  // namespace
}  // namespace slipway::http
