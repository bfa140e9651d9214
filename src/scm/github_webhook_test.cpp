// Tests of GitHub push webhooks: the signature check and the payload fields.
#include "scm/github_webhook.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace slipway::scm {
namespace {

// From GitHub's "Validating webhook deliveries" documentation.
constexpr const char* kSecret = "It's a Secret to Everybody";
constexpr const char* kBody = "Hello, World!";
constexpr const char* kSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";

TEST(VerifyGithubSignature, AcceptsGitHubsDocumentedExample) {
  EXPECT_TRUE(verify_github_signature(kSecret, kBody, kSignature));
}

TEST(VerifyGithubSignature, RejectsAnythingElse) {
  EXPECT_FALSE(verify_github_signature("It's a secret to everybody", kBody, kSignature));
  EXPECT_FALSE(verify_github_signature(kSecret, "Hello, World?", kSignature));
  EXPECT_FALSE(verify_github_signature(kSecret, kBody, std::string(kSignature).substr(7)));  // no "sha256="
  EXPECT_FALSE(verify_github_signature(kSecret, kBody, "sha1=757107ea0eb2509fc211221cce984b8a37570b6d"));
  EXPECT_FALSE(verify_github_signature(kSecret, kBody, std::string(kSignature) + "00"));
  EXPECT_FALSE(verify_github_signature(kSecret, kBody, std::string(kSignature).substr(0, 70)));
  EXPECT_FALSE(verify_github_signature(kSecret, kBody, " " + std::string(kSignature)));
  EXPECT_FALSE(verify_github_signature(kSecret, kBody, "sha256="));
  EXPECT_FALSE(verify_github_signature(kSecret, kBody, ""));
}

// GitHub sends lowercase hex; the check is an exact comparison, so other spellings fail.
TEST(VerifyGithubSignature, RejectsUppercaseHex) {
  std::string upper = kSignature;
  std::transform(upper.begin() + 7, upper.end(), upper.begin() + 7,
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  EXPECT_FALSE(verify_github_signature(kSecret, kBody, upper));
}

TEST(VerifyGithubSignature, AnEmptySecretNeverVerifies) {
  // The HMAC of the body under an empty key, which a forger can compute.
  const char* forged = "sha256=2bbcfa9524f3218c7a34b30e6936f8b1a4516cb097f1a85a1c7d98b5977ec769";
  EXPECT_FALSE(verify_github_signature("", kBody, forged));
  EXPECT_FALSE(verify_github_signature(
      "", "", "sha256=b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"));
}

TEST(ParseGithubPush, ReadsABranchPush) {
  auto push =
      parse_github_push(R"({"ref": "refs/heads/feature/login", "before": "0000", "after": ")" + kCommit +
                        R"(", "deleted": false, "head_commit": {"message": "Add login\n\nLong text"}})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->ref, "refs/heads/feature/login");
  EXPECT_EQ(push->branch, "feature/login");
  EXPECT_EQ(push->tag, "");
  EXPECT_EQ(push->after, kCommit);
  EXPECT_EQ(push->message, "Add login");
  EXPECT_FALSE(push->deleted);
}

TEST(ParseGithubPush, ReadsATagPush) {
  auto push = parse_github_push(R"({"ref": "refs/tags/v1.2", "after": ")" + kCommit + R"("})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->tag, "v1.2");
  EXPECT_EQ(push->branch, "");
  EXPECT_EQ(push->message, "");
}

TEST(ParseGithubPush, ADeletionNeedsNoCommit) {
  auto push = parse_github_push(
      R"({"ref": "refs/heads/old", "after": "0000000000000000000000000000000000000000", "deleted": true,
          "head_commit": null})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_TRUE(push->deleted);
  EXPECT_EQ(push->branch, "old");
  EXPECT_TRUE(parse_github_push(R"({"ref": "refs/heads/old", "deleted": true})"));
}

TEST(ParseGithubPush, RequiresAValidAfterCommit) {
  const std::string prefix = R"({"ref": "refs/heads/main")";
  EXPECT_FALSE(parse_github_push(prefix + "}"));
  EXPECT_FALSE(parse_github_push(prefix + R"(, "after": 12})"));
  EXPECT_FALSE(parse_github_push(prefix + R"(, "after": "0123abc"})"));
  EXPECT_FALSE(parse_github_push(prefix + R"(, "after": ")" + kCommit + R"(0"})"));
  std::string upper = kCommit;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_FALSE(parse_github_push(prefix + R"(, "after": ")" + upper + R"("})"));
  EXPECT_FALSE(parse_github_push(prefix + R"(, "after": "0123456789abcdef0123456789abcdef0123456g"})"));
  // Only a JSON true marks a deletion, which is what would excuse a missing commit.
  EXPECT_FALSE(parse_github_push(prefix + R"(, "deleted": "true"})"));
}

TEST(ParseGithubPush, RequiresABranchOrTagRef) {
  const std::string after = R"(, "after": ")" + kCommit + R"("})";
  EXPECT_FALSE(parse_github_push(R"({"ref": "main")" + after));
  EXPECT_FALSE(parse_github_push(R"({"ref": "refs/pull/1/head")" + after));
  EXPECT_FALSE(parse_github_push(R"({"ref": ["refs/heads/main"])" + after));
  EXPECT_FALSE(parse_github_push(R"({"after": ")" + kCommit + R"("})"));
}

TEST(ParseGithubPush, RejectsWhatIsNotAJsonObject) {
  for (const char* body : {"", "null", "[]", "\"refs/heads/main\"", "42", "{", "{\"ref\": }", "\xff\xfe"}) {
    auto push = parse_github_push(body);
    ASSERT_FALSE(push) << body;
    EXPECT_FALSE(push.error().empty());
  }
}

TEST(ParseGithubPush, IgnoresAMessageOfTheWrongType) {
  auto push = parse_github_push(R"({"ref": "refs/heads/main", "after": ")" + kCommit +
                                R"(", "head_commit": {"message": 7}})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->message, "");
  push =
      parse_github_push(R"({"ref": "refs/heads/main", "after": ")" + kCommit + R"(", "head_commit": "x"})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->message, "");
}

}  // namespace
}  // namespace slipway::scm
