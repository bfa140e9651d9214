// Tests of how apps, instances, releases, config and formations are shown.
#include "cli/app_report.h"

#include <gtest/gtest.h>

#include "cli/human_format.h"

namespace slipway::cli {
namespace {

const std::int64_t kNow = *parse_timestamp("2026-11-26T12:00:00.000Z");

TEST(AppsTable, ListsEveryEnvironmentOfEveryApp) {
  auto apps = nlohmann::json::parse(R"([
    {"name": "hello", "environments": [
      {"name": "production", "release": 3, "commit": "3f2a1b2c", "status": "running",
       "url": "http://hello.localhost:8080/", "since": "2026-11-26T10:00:00.000Z", "domains": []},
      {"name": "staging", "release": null, "status": "none", "url": "", "since": null}]},
    {"name": "fresh", "environments": []}])");
  EXPECT_EQ(apps_table(apps, false, kNow),
            "APP    ENV         RELEASE  STATUS   URL                           SINCE\n"
            "hello  production        3  running  http://hello.localhost:8080/  2h ago\n"
            "hello  staging           -  none\n"
            "fresh                    -  none\n");
}

TEST(EnvironmentsTable, ShowsCommitAndDomains) {
  auto app = nlohmann::json::parse(R"({"name": "hello", "environments": [
      {"name": "production", "release": 3, "commit": "3f2a1b2c9d", "status": "crashed",
       "url": "http://hello.localhost:8080/", "since": "2026-11-26T11:59:00.000Z",
       "domains": ["hello.test", "www.hello.test"]}]})");
  EXPECT_EQ(environments_table(app, false, kNow),
            "ENV         RELEASE  COMMIT   STATUS   URL                           SINCE   DOMAINS\n"
            "production        3  3f2a1b2  crashed  http://hello.localhost:8080/  1m ago  hello.test, www.hello.test\n");
}

TEST(InstancesTable, AddsTheEnvironmentOnlyWhenThereAreSeveral) {
  auto one = nlohmann::json::parse(R"([
    {"id": 4, "environment": "production", "release": 3, "process": "web", "index": 1, "port": 41234,
     "status": "running", "pid": 1234, "restarts": 0},
    {"id": 5, "environment": "production", "release": 3, "process": "worker", "index": 1, "port": null,
     "status": "backoff", "pid": null, "restarts": 12}])");
  EXPECT_EQ(instances_table(one, false),
            "PROCESS  INDEX  STATUS    PID   PORT  RELEASE  RESTARTS\n"
            "web          1  running  1234  41234        3         0\n"
            "worker       1  backoff     -      -        3        12\n");

  auto two = nlohmann::json::parse(R"([
    {"environment": "production", "release": 3, "process": "web", "index": 1, "port": 41234,
     "status": "running", "pid": 1234, "restarts": 0},
    {"environment": "staging", "release": 4, "process": "web", "index": 1, "port": 41235,
     "status": "starting", "pid": 1240, "restarts": 1}])");
  EXPECT_EQ(instances_table(two, false),
            "ENV         PROCESS  INDEX  STATUS     PID   PORT  RELEASE  RESTARTS\n"
            "production  web          1  running   1234  41234        3         0\n"
            "staging     web          1  starting  1240  41235        4         1\n");
}

TEST(ReleasesTable, ShowsWhereEachReleaseIsLive) {
  auto releases = nlohmann::json::parse(R"([
    {"number": 3, "commit": "3f2a1b2c9d", "run": 12, "config_version": 2, "app_type": "python",
     "created_at": "2026-11-26T11:00:00.000Z", "current_in": ["production", "staging"]},
    {"number": 2, "commit": "aa11bb22cc", "run": null, "config_version": 1, "app_type": "procfile",
     "created_at": "2026-11-25T11:00:00.000Z", "current_in": []}])");
  EXPECT_EQ(releases_table(releases, kNow),
            "NUMBER  COMMIT   RUN  CONFIG  TYPE      CREATED  LIVE\n"
            "     3  3f2a1b2   12       2  python    1h ago   production, staging\n"
            "     2  aa11bb2    -       1  procfile  1d ago\n");
}

TEST(ConfigTable, HidesSecretsWhateverTheDaemonSent) {
  auto config = nlohmann::json::parse(R"([
    {"key": "API_KEY", "value": "should-not-show", "secret": true},
    {"key": "GREETING", "value": "hi\u001b[31m", "secret": false}])");
  EXPECT_EQ(config_table(config),
            "KEY       VALUE\n"
            "API_KEY   **** (secret)\n"
            "GREETING  hi?[31m\n");
}

TEST(FormationText, ListsProcessCounts) {
  EXPECT_EQ(formation_text(nlohmann::json{{"web", 2}, {"worker", 0}}), "web=2 worker=0");
  EXPECT_EQ(formation_text(nlohmann::json::object()), "none");
  EXPECT_EQ(formation_text(nlohmann::json()), "none");
}

}  // namespace
}  // namespace slipway::cli
