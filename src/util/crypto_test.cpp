// Tests of the hash, HMAC and random-token helpers against published vectors.
#include "util/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace slipway::util {
namespace {

bool is_lower_hex(const std::string& text) {
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(Sha256Hex, MatchesWellKnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Hex, HashesEmbeddedNulBytes) {
  using namespace std::string_literals;
  EXPECT_NE(sha256_hex("a\0b"s), sha256_hex("a"));
  EXPECT_EQ(sha256_hex("a\0b"s).size(), 64u);
}

// RFC 4231, test cases 1, 2 and 6 (a key longer than the block size).
TEST(HmacSha256Hex, MatchesRfc4231) {
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(
      hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// The example in GitHub's "Validating webhook deliveries" documentation.
TEST(HmacSha256Hex, MatchesGitHubsDocumentedExample) {
  EXPECT_EQ(hmac_sha256_hex("It's a Secret to Everybody", "Hello, World!"),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("Secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("secret", ""));
  using namespace std::string_literals;
  EXPECT_FALSE(constant_time_equal("ab\0c"s, "ab\0d"s));
}

TEST(RandomHex, HasTwoLowercaseHexDigitsPerByte) {
  for (std::size_t bytes : {std::size_t{1}, std::size_t{16}, std::size_t{32}}) {
    std::string token = random_hex(bytes);
    EXPECT_EQ(token.size(), 2 * bytes);
    EXPECT_TRUE(is_lower_hex(token)) << token;
  }
  EXPECT_EQ(random_hex(0), "");
}

TEST(RandomHex, DoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(random_hex(16));
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace slipway::util
