// Tests of the forges' push webhooks: signature and token checks, event names,
// and the fields of realistic push payloads from GitHub, GitLab and Gitea.
#include "scm/forge_webhook.h"

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
  EXPECT_EQ(push->commit, kCommit);
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

TEST(ParseGithubPush, BuildsTheCommitAnAnnotatedTagPointsAt) {
  const std::string tag_object = "fedcba9876543210fedcba9876543210fedcba98";
  auto push =
      parse_github_push(R"({"ref": "refs/tags/v2.0", "before": "0000000000000000000000000000000000000000",
      "after": ")" + tag_object +
                        R"(", "created": true, "deleted": false, "base_ref": "refs/heads/main",
      "commits": [], "head_commit": {"id": ")" +
                        kCommit + R"(", "message": "Release 2.0"}})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->tag, "v2.0");
  EXPECT_EQ(push->after, tag_object);
  EXPECT_EQ(push->commit, kCommit);
  EXPECT_EQ(push->message, "Release 2.0");
}

TEST(ParseGithubPush, AnAllZeroAfterIsADeletion) {
  auto push =
      parse_github_push(R"({"ref": "refs/heads/old", "after": "0000000000000000000000000000000000000000"})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_TRUE(push->deleted);
  EXPECT_EQ(push->commit, "");
}

// ---- GitLab ----

TEST(VerifyGitlabToken, AcceptsExactlyTheSecret) {
  EXPECT_TRUE(verify_gitlab_token("s3cret-token", "s3cret-token"));
  EXPECT_FALSE(verify_gitlab_token("s3cret-token", "s3cret-tokeN"));
  EXPECT_FALSE(verify_gitlab_token("s3cret-token", "s3cret-token "));  // longer
  EXPECT_FALSE(verify_gitlab_token("s3cret-token", "s3cret"));         // a prefix
  EXPECT_FALSE(verify_gitlab_token("s3cret-token", ""));
  EXPECT_FALSE(verify_gitlab_token("", ""));  // an empty secret never verifies
  EXPECT_FALSE(verify_gitlab_token("", "anything"));
}

TEST(VerifyDelivery, DispatchesOnTheForge) {
  EXPECT_TRUE(verify_delivery(Forge::github, kSecret, kBody, kSignature));
  EXPECT_FALSE(verify_delivery(Forge::gitea, kSecret, kBody, kSignature));  // Gitea has no "sha256=" prefix
  EXPECT_TRUE(verify_delivery(Forge::gitea, kSecret, kBody, std::string(kSignature).substr(7)));
  EXPECT_TRUE(verify_delivery(Forge::gitlab, kSecret, kBody, kSecret));
  EXPECT_FALSE(verify_delivery(Forge::gitlab, kSecret, kBody, kSignature));
}

TEST(ForgeNames, ForgejoIsGitea) {
  EXPECT_EQ(parse_forge("github"), Forge::github);
  EXPECT_EQ(parse_forge("gitlab"), Forge::gitlab);
  EXPECT_EQ(parse_forge("gitea"), Forge::gitea);
  EXPECT_EQ(parse_forge("forgejo"), Forge::gitea);
  EXPECT_FALSE(parse_forge("GitHub"));
  EXPECT_FALSE(parse_forge("bitbucket"));
  EXPECT_FALSE(parse_forge(""));
  EXPECT_STREQ(forge_name(Forge::gitea), "gitea");
}

TEST(ForgeEvents, OnlyPushesStartRuns) {
  EXPECT_EQ(classify_event(Forge::github, "push"), ForgeEvent::push);
  EXPECT_EQ(classify_event(Forge::github, "ping"), ForgeEvent::ping);
  EXPECT_EQ(classify_event(Forge::github, "create"), ForgeEvent::other);
  EXPECT_EQ(classify_event(Forge::gitlab, "Push Hook"), ForgeEvent::push);
  EXPECT_EQ(classify_event(Forge::gitlab, "Tag Push Hook"), ForgeEvent::push);
  EXPECT_EQ(classify_event(Forge::gitlab, "Merge Request Hook"), ForgeEvent::other);
  EXPECT_EQ(classify_event(Forge::gitlab, "push"), ForgeEvent::other);
  EXPECT_EQ(classify_event(Forge::gitea, "push"), ForgeEvent::push);
  EXPECT_EQ(classify_event(Forge::gitea, "create"), ForgeEvent::other);
  EXPECT_EQ(classify_event(Forge::gitea, "delete"), ForgeEvent::other);
  EXPECT_EQ(classify_event(Forge::gitea, ""), ForgeEvent::other);
}

// The shape of GitLab's "Push Hook" documentation example, trimmed of user and project details.
std::string gitlab_push(const std::string& ref, const std::string& after, const std::string& checkout_sha) {
  return R"({
  "object_kind": "push", "event_name": "push",
  "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
  "after": ")" +
         after + R"(",
  "ref": ")" +
         ref + R"(", "ref_protected": true,
  "checkout_sha": )" +
         checkout_sha + R"(,
  "message": null, "user_id": 4, "user_name": "John Smith", "user_username": "jsmith",
  "project_id": 15,
  "project": {"id": 15, "name": "Diaspora", "path_with_namespace": "mike/diaspora", "default_branch": "master"},
  "commits": [
    {"id": "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
     "message": "Update Catalan translation to e38cb41.\n\nSee https://gitlab.com/gitlab-org/gitlab for more information",
     "title": "Update Catalan translation to e38cb41.", "timestamp": "2011-12-12T14:27:31+02:00",
     "author": {"name": "Jordi Mallach", "email": "jordi@softcatala.org"},
     "added": ["CHANGELOG"], "modified": ["app/controller/application.rb"], "removed": []},
    {"id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "message": "fixed readme\n",
     "title": "fixed readme", "timestamp": "2012-01-03T23:36:29+02:00",
     "author": {"name": "GitLab dev user", "email": "gitlabdev@dv6700.example"},
     "added": ["CHANGELOG"], "modified": ["app/controller/application.rb"], "removed": []}
  ],
  "total_commits_count": 4,
  "repository": {"name": "Diaspora", "git_http_url": "http://example.com/mike/diaspora.git"}
})";
}

TEST(ParseGitlabPush, ReadsABranchPush) {
  const std::string head = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";
  auto push = parse_gitlab_push(gitlab_push("refs/heads/master", head, "\"" + head + "\""));
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->branch, "master");
  EXPECT_EQ(push->tag, "");
  EXPECT_EQ(push->commit, head);
  EXPECT_EQ(push->message, "fixed readme");
  EXPECT_FALSE(push->deleted);
}

TEST(ParseGitlabPush, TheHeadCommitIsTheOneWithTheAfterIdElseTheLast) {
  const std::string first = "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327";
  auto push = parse_gitlab_push(gitlab_push("refs/heads/master", first, "\"" + first + "\""));
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->message, "Update Catalan translation to e38cb41.");
  // More than 20 commits: GitLab lists only some, maybe not the head.
  push = parse_gitlab_push(gitlab_push("refs/heads/master", kCommit, "\"" + kCommit + "\""));
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->commit, kCommit);
  EXPECT_EQ(push->message, "fixed readme");
}

TEST(ParseGitlabPush, ReadsAnAnnotatedTagPush) {
  // GitLab's "Tag Push Hook": "after" is the tag object, checkout_sha the commit, no commits listed.
  const std::string tag_object = "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7";
  auto push = parse_gitlab_push(R"({
    "object_kind": "tag_push", "event_name": "tag_push",
    "before": "0000000000000000000000000000000000000000",
    "after": ")" + tag_object + R"(", "ref": "refs/tags/v1.0.0", "ref_protected": true,
    "checkout_sha": ")" + kCommit +
                                R"(", "message": "Version 1.0.0\n\nNotes",
    "user_id": 1, "user_name": "John Smith", "project_id": 1,
    "commits": [], "total_commits_count": 0})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->tag, "v1.0.0");
  EXPECT_EQ(push->branch, "");
  EXPECT_EQ(push->after, tag_object);
  EXPECT_EQ(push->commit, kCommit);
  EXPECT_EQ(push->message, "Version 1.0.0");
}

TEST(ParseGitlabPush, ALightweightTagBuildsItsAfterCommit) {
  auto push = parse_gitlab_push(R"({"object_kind": "tag_push", "ref": "refs/tags/v1", "after": ")" + kCommit +
                                R"(", "checkout_sha": null, "message": null, "commits": []})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->commit, kCommit);
  EXPECT_EQ(push->message, "");
}

TEST(ParseGitlabPush, ReadsADeletion) {
  auto push = parse_gitlab_push(
      gitlab_push("refs/heads/feature", "0000000000000000000000000000000000000000", "null"));
  ASSERT_TRUE(push) << push.error();
  EXPECT_TRUE(push->deleted);
  EXPECT_EQ(push->branch, "feature");
  EXPECT_EQ(push->commit, "");
  auto tag = parse_gitlab_push(R"({"object_kind": "tag_push", "ref": "refs/tags/v1",
      "after": "0000000000000000000000000000000000000000", "checkout_sha": null, "commits": []})");
  ASSERT_TRUE(tag) << tag.error();
  EXPECT_TRUE(tag->deleted);
  EXPECT_EQ(tag->tag, "v1");
}

TEST(ParseGitlabPush, RejectsOtherKindsAndBadFields) {
  const std::string after = R"(", "after": ")" + kCommit + R"("})";
  EXPECT_TRUE(parse_gitlab_push(R"({"object_kind": "push", "ref": "refs/heads/main)" + after));
  EXPECT_FALSE(parse_gitlab_push(R"({"object_kind": "merge_request", "ref": "refs/heads/main)" + after));
  EXPECT_FALSE(parse_gitlab_push(R"({"ref": "refs/heads/main)" + after));  // no object_kind
  EXPECT_FALSE(parse_gitlab_push(R"({"object_kind": "push", "ref": "main)" + after));
  EXPECT_FALSE(parse_gitlab_push(R"({"object_kind": "push", "ref": "refs/heads/a..b)" + after));
  EXPECT_FALSE(parse_gitlab_push(R"({"object_kind": "push", "ref": "refs/heads/main", "after": "da15608"})"));
  EXPECT_FALSE(parse_gitlab_push(R"({"object_kind": "push", "ref": "refs/heads/main"})"));
  // GitLab has no "deleted" flag: only the zeros excuse a missing commit.
  EXPECT_FALSE(parse_gitlab_push(R"({"object_kind": "push", "ref": "refs/heads/main", "deleted": true})"));
  for (const char* body : {"", "null", "[]", "{", "{\"object_kind\": }", "\xff\xfe"}) {
    auto push = parse_gitlab_push(body);
    ASSERT_FALSE(push) << body;
    EXPECT_FALSE(push.error().empty());
  }
}

TEST(ParseGitlabPush, IgnoresCommitsOfTheWrongShape) {
  auto push = parse_gitlab_push(R"({"object_kind": "push", "ref": "refs/heads/main", "after": ")" + kCommit +
                                R"(", "commits": [7, {"id": 1, "message": ["x"]}, null]})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->message, "");
  push = parse_gitlab_push(R"({"object_kind": "push", "ref": "refs/heads/main", "after": ")" + kCommit +
                           R"(", "commits": {"id": "x"}, "message": 3})");
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->message, "");
}

// ---- Gitea / Forgejo ----

TEST(VerifyGiteaSignature, IsTheBareHmacHex) {
  const std::string hex = std::string(kSignature).substr(7);
  EXPECT_TRUE(verify_gitea_signature(kSecret, kBody, hex));
  EXPECT_FALSE(verify_gitea_signature(kSecret, kBody, kSignature));  // "sha256=" is GitHub's
  EXPECT_FALSE(verify_gitea_signature(kSecret, "Hello, World?", hex));
  EXPECT_FALSE(verify_gitea_signature("It's a secret to everybody", kBody, hex));
  EXPECT_FALSE(verify_gitea_signature(kSecret, kBody, hex.substr(0, 63)));
  EXPECT_FALSE(verify_gitea_signature(kSecret, kBody, hex + "0"));
  EXPECT_FALSE(verify_gitea_signature(kSecret, kBody, ""));
  std::string upper = hex;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_FALSE(verify_gitea_signature(kSecret, kBody, upper));
  // The HMAC of the body under an empty key, which a forger can compute.
  EXPECT_FALSE(
      verify_gitea_signature("", kBody, "2bbcfa9524f3218c7a34b30e6936f8b1a4516cb097f1a85a1c7d98b5977ec769"));
}

// The shape of a Gitea 1.21 push delivery, trimmed of repository and user details.
std::string gitea_push(const std::string& ref, const std::string& after, const std::string& head_commit,
                       const std::string& commits) {
  return R"({
  "ref": ")" +
         ref + R"(",
  "before": "28e1879d029cb852e4844d9c718537df08844e03",
  "after": ")" +
         after + R"(",
  "compare_url": "http://localhost:3000/gitea/webhooks/compare/28e1879d029c...bffeb7422404",
  "commits": )" +
         commits + R"(,
  "total_commits": 1,
  "head_commit": )" +
         head_commit + R"(,
  "repository": {"id": 140, "name": "webhooks", "full_name": "gitea/webhooks", "default_branch": "main"},
  "pusher": {"id": 1, "login": "gitea"},
  "sender": {"id": 1, "login": "gitea"}
})";
}

const std::string kGiteaCommit =
    R"({"id": "bffeb74224043ba2feb48d137756c8a9331c449a", "message": "Webhooks Yay!\n",
  "url": "http://localhost:3000/gitea/webhooks/commit/bffeb74224043ba2feb48d137756c8a9331c449a",
  "author": {"name": "Gitea", "email": "someone@gitea.io", "username": "gitea"},
  "committer": {"name": "Gitea", "email": "someone@gitea.io", "username": "gitea"},
  "verification": null, "timestamp": "2017-03-13T13:52:11-04:00", "added": [], "removed": [], "modified": []})";

TEST(ParseGiteaPush, ReadsABranchPush) {
  auto push = parse_gitea_push(gitea_push("refs/heads/develop", "bffeb74224043ba2feb48d137756c8a9331c449a",
                                          kGiteaCommit, "[" + kGiteaCommit + "]"));
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->branch, "develop");
  EXPECT_EQ(push->commit, "bffeb74224043ba2feb48d137756c8a9331c449a");
  EXPECT_EQ(push->message, "Webhooks Yay!");
  EXPECT_FALSE(push->deleted);
}

TEST(ParseGiteaPush, ReadsATagPush) {
  // An annotated tag: "after" is the tag object, head_commit the commit it points at.
  const std::string tag_object = "fedcba9876543210fedcba9876543210fedcba98";
  auto push = parse_gitea_push(gitea_push("refs/tags/v1.0", tag_object, kGiteaCommit, "[]"));
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->tag, "v1.0");
  EXPECT_EQ(push->after, tag_object);
  EXPECT_EQ(push->commit, "bffeb74224043ba2feb48d137756c8a9331c449a");
  EXPECT_EQ(push->message, "Webhooks Yay!");
}

TEST(ParseGiteaPush, WithoutAHeadCommitTheCommitsGiveTheMessage) {
  auto push = parse_gitea_push(gitea_push("refs/heads/main", "bffeb74224043ba2feb48d137756c8a9331c449a",
                                          "null", "[" + kGiteaCommit + "]"));
  ASSERT_TRUE(push) << push.error();
  EXPECT_EQ(push->message, "Webhooks Yay!");
}

TEST(ParseGiteaPush, AnAllZeroAfterIsADeletion) {
  auto push = parse_gitea_push(
      gitea_push("refs/heads/develop", "0000000000000000000000000000000000000000", "null", "[]"));
  ASSERT_TRUE(push) << push.error();
  EXPECT_TRUE(push->deleted);
  EXPECT_EQ(push->branch, "develop");
  EXPECT_EQ(push->commit, "");
}

TEST(ParseGiteaPush, RejectsMalformedPayloads) {
  for (const char* body :
       {"", "null", "[]", "{", "{\"ref\": }", "\xff\xfe", "{\"ref\": \"refs/heads/main\"}",
        "{\"ref\": \"refs/heads/main\", \"after\": \"bffeb742\"}",
        "{\"ref\": \"refs/pull/1/head\", \"after\": \"0123456789abcdef0123456789abcdef01234567\"}"}) {
    auto push = parse_gitea_push(body);
    ASSERT_FALSE(push) << body;
    EXPECT_FALSE(push.error().empty());
  }
}

TEST(ParsePush, DispatchesOnTheForge) {
  const std::string github = R"({"ref": "refs/heads/main", "after": ")" + kCommit + R"("})";
  EXPECT_TRUE(parse_push(Forge::github, github));
  EXPECT_TRUE(parse_push(Forge::gitea, github));
  EXPECT_FALSE(parse_push(Forge::gitlab, github));  // no object_kind
}

}  // namespace
}  // namespace slipway::scm
