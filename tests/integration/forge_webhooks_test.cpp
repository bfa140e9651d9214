// Push webhooks from each forge (GitHub, GitLab, Gitea and Forgejo) against the
// real daemon and a real upstream repository it fetches from: a push runs its
// commit, credentials and replays are refused, deletions start nothing, and a
// tag push runs the commit the tag points at.
#include <optional>
#include <ostream>

#include "daemon_fixture.h"
#include "util/crypto.h"

namespace slipway::testing {
namespace {

using nlohmann::json;

const std::string kNoCommit(40, '0');

// What differs between the forges: the route, the headers and the payload's shape.
struct ForgeCase {
  std::string name;  // as in /hooks/NAME/PROJECT

  bool is(const char* forge) const { return name == forge; }
  bool gitea_like() const { return is("gitea") || is("forgejo"); }
  friend void PrintTo(const ForgeCase& forge, std::ostream* out) { *out << forge.name; }
};

std::string case_name(const ::testing::TestParamInfo<ForgeCase>& info) { return info.param.name; }

class ForgeWebhookTest : public SlipwayTest, public ::testing::WithParamInterface<ForgeCase> {
 protected:
  void SetUp() override {
    SlipwayTest::SetUp();
    start_daemon();
    upstream_ = make_repo("upstream", {{"slipway.yml", kPipeline}}, "webhook commit\n\nbody");
    create_project("remote", {{"source", upstream_}, {"webhook_secret", secret_}});
    head_ = rev_parse("HEAD");
  }

  const ForgeCase& forge() const { return GetParam(); }

  std::string rev_parse(const std::string& what) {
    return git(upstream_, {"rev-parse", what}).output.substr(0, 40);
  }

  // A push payload in the forge's shape. AFTER is the ref's new value, COMMIT what
  // it peels to (they differ for an annotated tag).
  std::string payload(const std::string& ref, const std::string& after, const std::string& commit,
                      const std::string& message) const {
    bool deleted = after == kNoCommit;
    bool tag = ref.rfind("refs/tags/", 0) == 0;
    json commits = json::array();
    if (!deleted && !tag) commits.push_back({{"id", commit}, {"message", message}, {"added", json::array()}});
    if (forge().is("gitlab")) {
      return json{{"object_kind", tag ? "tag_push" : "push"},
                  {"event_name", tag ? "tag_push" : "push"},
                  {"before", kNoCommit},
                  {"after", after},
                  {"ref", ref},
                  {"checkout_sha", deleted ? json(nullptr) : json(commit)},
                  {"message", tag && !deleted ? json(message) : json(nullptr)},
                  {"user_username", "jsmith"},
                  {"project", {{"path_with_namespace", "acme/remote"}}},
                  {"commits", commits},
                  {"total_commits_count", commits.size()}}
          .dump();
    }
    json body{{"ref", ref},
              {"before", kNoCommit},
              {"after", after},
              {"commits", commits},
              {"head_commit", deleted ? json(nullptr) : json{{"id", commit}, {"message", message}}},
              {"repository", {{"full_name", "acme/remote"}}}};
    if (forge().is("github")) body["deleted"] = deleted;
    if (forge().gitea_like()) body["compare_url"] = "https://git.example.com/acme/remote/compare/x...y";
    return body.dump();
  }

  std::string branch_push(const std::string& branch = "main") const {
    return payload("refs/heads/" + branch, head_, head_, "webhook commit\n\nbody");
  }

  // The credential the forge would send for BODY under SECRET.
  std::string credential(const std::string& body, const std::string& secret) const {
    if (forge().is("gitlab")) return secret;
    std::string hex = util::hmac_sha256_hex(secret, body);
    return forge().is("github") ? "sha256=" + hex : hex;
  }

  // The forge's event name for a push of REF, or for another kind of event.
  std::string event_for(const std::string& ref) const {
    bool tag = ref.rfind("refs/tags/", 0) == 0;
    if (forge().is("gitlab")) return tag ? "Tag Push Hook" : "Push Hook";
    return "push";
  }

  HttpResult deliver(const std::string& body, const std::optional<std::string>& given_credential,
                     const std::string& delivery, const std::string& event = "push",
                     const std::string& project = "remote") {
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
    std::string name = forge().name;
    if (forge().is("github")) {
      headers["X-GitHub-Event"] = event;
      headers["X-GitHub-Delivery"] = delivery;
      if (given_credential) headers["X-Hub-Signature-256"] = *given_credential;
    } else if (forge().is("gitlab")) {
      headers["X-Gitlab-Event"] = event == "push" ? "Push Hook" : event;
      if (!delivery.empty()) {
        headers["X-Gitlab-Event-UUID"] = delivery;
        headers["X-Gitlab-Webhook-UUID"] = "9a0f1c3e-1d2b-4c5d-8e9f-" + delivery;  // differs per request
      }
      headers["X-Gitlab-Instance"] = "https://gitlab.example.com";
      if (given_credential) headers["X-Gitlab-Token"] = *given_credential;
    } else {
      // Forgejo sends its own headers and Gitea's; a Gitea sends only its own.
      std::vector<std::string> prefixes = {"X-Gitea-"};
      if (forge().is("forgejo")) prefixes = {"X-Forgejo-", "X-Gitea-"};
      for (const auto& prefix : prefixes) {
        headers[prefix + "Event"] = event;
        headers[prefix + "Delivery"] = delivery;
        if (given_credential) headers[prefix + "Signature"] = *given_credential;
      }
    }
    return http_request("POST", daemon_.url(), "/hooks/" + name + "/" + project, body, headers);
  }

  // Delivers BODY as a push of REF, signed with the project's secret.
  HttpResult deliver_push(const std::string& body, const std::string& ref, const std::string& delivery) {
    return deliver(body, credential(body, secret_), delivery, event_for(ref));
  }

  std::size_t run_count(const std::string& project = "remote") {
    return api("GET", "/runs?project=" + project).json()["runs"].size();
  }

  static constexpr const char* kPipeline =
      "steps:\n  a:\n    run: echo \"from-webhook on $SLIPWAY_BRANCH\"\n";
  std::string secret_ = "s3cret-webhook";
  std::string upstream_;
  std::string head_;
};

TEST_P(ForgeWebhookTest, ValidPushRunsTheCommitOnItsBranch) {
  auto body = branch_push();
  auto result = deliver_push(body, "refs/heads/main", "delivery-1");
  ASSERT_EQ(result.status, 201) << result.body;
  auto run = wait_for_run(result.json()["id"].get<std::int64_t>());
  auto id = run["id"].get<std::int64_t>();
  EXPECT_EQ(run["status"], "success") << run.dump(2) << step_log(id, 0);
  EXPECT_EQ(run["trigger"], "webhook");
  EXPECT_EQ(run["branch"], "main");
  EXPECT_EQ(run["commit"], head_);
  EXPECT_EQ(run["message"], "webhook commit");
  EXPECT_NE(step_log(id, 1).find("from-webhook on main"), std::string::npos) << step_log(id, 1);
}

TEST_P(ForgeWebhookTest, AWrongOrMissingCredentialIs401AndNoRun) {
  auto body = branch_push();
  std::string right = credential(body, secret_);
  auto missing = deliver(body, std::nullopt, "d1");
  EXPECT_EQ(missing.status, 401) << missing.body;
  EXPECT_EQ(deliver(body, "", "d2").status, 401);
  EXPECT_EQ(deliver(body, credential(body, "another-secret"), "d3").status, 401);
  if (!forge().is("gitlab")) {  // GitLab's token does not depend on the body
    EXPECT_EQ(deliver(body, credential(body + " ", secret_), "d4").status, 401);
  }
  EXPECT_EQ(deliver(body, right.substr(0, right.size() - 1), "d5").status, 401);  // one character short
  EXPECT_EQ(deliver(body, right + "0", "d6").status, 401);                        // one character long
  EXPECT_EQ(deliver(body, std::string(right.size(), '0'), "d7").status, 401);
  if (forge().gitea_like()) {
    EXPECT_EQ(deliver(body, "sha256=" + right, "d8").status, 401);  // GitHub's form
  }
  if (forge().is("github")) {
    EXPECT_EQ(deliver(body, right.substr(7), "d8").status, 401);  // Gitea's form
  }
  // An unknown project, or one without a secret, gets the same answer as a wrong credential.
  create_project("nosecret", {{"source", upstream_}});
  auto unknown = deliver(body, right, "d9", "push", "nope");
  auto no_secret = deliver(body, credential(body, ""), "d10", "push", "nosecret");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(no_secret.status, 401);
  EXPECT_EQ(unknown.body, missing.body);
  EXPECT_EQ(no_secret.body, missing.body);
  EXPECT_EQ(run_count(), 0u);
  EXPECT_EQ(run_count("nosecret"), 0u);
}

TEST_P(ForgeWebhookTest, ReplayedDeliveryStartsNoSecondRun) {
  auto body = branch_push();
  EXPECT_EQ(deliver_push(body, "refs/heads/main", "same-id").status, 201);
  auto again = deliver_push(body, "refs/heads/main", "same-id");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["duplicate"], true);
  EXPECT_EQ(run_count(), 1u);
  auto missing_id = deliver_push(body, "refs/heads/main", "");
  EXPECT_EQ(missing_id.status, 400) << missing_id.body;
  EXPECT_EQ(run_count(), 1u);
}

TEST_P(ForgeWebhookTest, OversizedBodyIs413) {
  std::string body = branch_push();
  body.insert(body.size() - 1, ",\"padding\":\"" + std::string(1100 * 1024, 'x') + "\"");
  EXPECT_EQ(deliver_push(body, "refs/heads/main", "big").status, 413);
  EXPECT_EQ(run_count(), 0u);
}

TEST_P(ForgeWebhookTest, DeletionsAndOtherEventsStartNothing) {
  auto deleted = payload("refs/heads/gone", kNoCommit, kNoCommit, "");
  auto result = deliver_push(deleted, "refs/heads/gone", "del1");
  EXPECT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json()["ignored"], "branch deleted");
  auto deleted_tag = payload("refs/tags/v0.9", kNoCommit, kNoCommit, "");
  result = deliver_push(deleted_tag, "refs/tags/v0.9", "del2");
  EXPECT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json()["ignored"], "tag deleted");
  // Events that are not pushes are acknowledged and ignored.
  std::string other = forge().is("gitlab")   ? "Merge Request Hook"
                      : forge().is("github") ? "issues"
                                             : "create";
  std::string body = R"({"ref": "v1.0", "ref_type": "tag"})";
  result = deliver(body, credential(body, secret_), "other1", other);
  EXPECT_EQ(result.status, 202) << result.body;
  EXPECT_EQ(run_count(), 0u);
  // A push whose payload is not one is a client error.
  std::string broken = R"({"ref": "refs/heads/main", "after": "123"})";
  EXPECT_EQ(deliver_push(broken, "refs/heads/main", "broken1").status, 400);
  EXPECT_EQ(run_count(), 0u);
}

// The tag's commit is on no branch, so only a fetch of the tags brings it.
TEST_P(ForgeWebhookTest, AnAnnotatedTagPushRunsTheTaggedCommit) {
  ASSERT_EQ(git(upstream_, {"checkout", "-q", "--detach"}).exit_code, 0);
  commit(upstream_, {{"release.txt", "1.0\n"}}, "Release commit");
  std::string tagged = rev_parse("HEAD");
  auto tag = git(upstream_, {"tag", "-a", "v1.0", "-m", "Release 1.0"});
  ASSERT_EQ(tag.exit_code, 0) << tag.output;
  ASSERT_EQ(git(upstream_, {"checkout", "-q", "main"}).exit_code, 0);
  std::string tag_object = rev_parse("v1.0");
  ASSERT_NE(tag_object, tagged);

  auto body = payload("refs/tags/v1.0", tag_object, tagged, "Release commit");
  auto result = deliver_push(body, "refs/tags/v1.0", "tag1");
  ASSERT_EQ(result.status, 201) << result.body;
  auto run = wait_for_run(result.json()["id"].get<std::int64_t>());
  auto id = run["id"].get<std::int64_t>();
  EXPECT_EQ(run["status"], "success") << run.dump(2) << step_log(id, 0);
  EXPECT_EQ(run["trigger"], "webhook");
  EXPECT_EQ(run["branch"], "v1.0");
  EXPECT_EQ(run["commit"], tagged);
  EXPECT_NE(step_log(id, 1).find("from-webhook on v1.0"), std::string::npos) << step_log(id, 1);
}

// GitLab names the event, not the request: one push that triggers the hooks of two
// projects carries one UUID, and each project still runs. The other forges' ids are
// per request, so the same id again is a replay wherever it is sent.
TEST_P(ForgeWebhookTest, ADeliveryIdIsPerProjectOnlyForGitLab) {
  create_project("mirror", {{"source", upstream_}, {"webhook_secret", secret_}});
  auto body = branch_push();
  std::string signature = credential(body, secret_);
  EXPECT_EQ(deliver(body, signature, "shared", "push", "remote").status, 201);
  auto second = deliver(body, signature, "shared", "push", "mirror");
  if (forge().is("gitlab")) {
    EXPECT_EQ(second.status, 201) << second.body;
    EXPECT_EQ(run_count("mirror"), 1u);
  } else {
    EXPECT_EQ(second.status, 200) << second.body;
    EXPECT_EQ(run_count("mirror"), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Forges, ForgeWebhookTest,
                         ::testing::Values(ForgeCase{"github"}, ForgeCase{"gitlab"}, ForgeCase{"gitea"},
                                           ForgeCase{"forgejo"}),
                         case_name);

}  // namespace
}  // namespace slipway::testing
