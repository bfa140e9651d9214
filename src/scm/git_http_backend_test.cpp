// Tests of the git smart-HTTP pieces that decide which requests reach
// `git http-backend`, with what environment, and how its reply is read.
#include "scm/git_http_backend.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace slipway::scm {
namespace {

TEST(ParseGitRoute, AcceptsTheSmartHttpPaths) {
  auto refs = parse_git_route("/git/app.git/info/refs", "service=git-upload-pack");
  ASSERT_TRUE(refs);
  EXPECT_EQ(refs->project, "app");
  EXPECT_EQ(refs->rest, "/info/refs");
  EXPECT_FALSE(refs->is_push);

  auto upload = parse_git_route("/git/app.git/git-upload-pack", "");
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->rest, "/git-upload-pack");
  EXPECT_FALSE(upload->is_push);

  auto receive = parse_git_route("/git/my-app_2.v1.git/git-receive-pack", "");
  ASSERT_TRUE(receive);
  EXPECT_EQ(receive->project, "my-app_2.v1");
  EXPECT_TRUE(receive->is_push);

  auto head = parse_git_route("/git/app.git/HEAD", "");
  ASSERT_TRUE(head);
  EXPECT_FALSE(head->is_push);
}

TEST(ParseGitRoute, ThePushAdvertisementNeedsThePushRight) {
  auto route = parse_git_route("/git/app.git/info/refs", "service=git-receive-pack");
  ASSERT_TRUE(route);
  EXPECT_TRUE(route->is_push);
  EXPECT_TRUE(parse_git_route("/git/app.git/info/refs", "x=1&service=git-receive-pack")->is_push);
  EXPECT_FALSE(parse_git_route("/git/app.git/info/refs", "")->is_push);
}

// git http-backend url-decodes the query, so the push decision must too: an escaped
// "service=git%2Dreceive-pack" is the receive-pack advertisement and needs push rights.
TEST(ParseGitRoute, ThePushAdvertisementIsRecognisedWhenEscaped) {
  auto route = parse_git_route("/git/app.git/info/refs", "service=git%2Dreceive-pack");
  ASSERT_TRUE(route);
  EXPECT_TRUE(route->is_push);
  EXPECT_FALSE(parse_git_route("/git/app.git/info/refs", "service=git-something-else"));
}

TEST(ParseGitRoute, RejectsTraversalAndOddNames) {
  for (const char* path : {"/git/../x.git/info/refs", "/git/a.git/../../etc", "/git/a.git/../b.git/info/refs",
                           "/git/.hidden.git/info/refs", "/git/-upload.git/info/refs",
                           "/git/a..b.git/info/refs", "/git/a/b.git/info/refs", "/git/.git/info/refs",
                           "/git/a%2F..%2Fb.git/info/refs", "/git/a b.git/info/refs"}) {
    EXPECT_FALSE(parse_git_route(path, "")) << path;
  }
  EXPECT_FALSE(parse_git_route("/git/" + std::string(65, 'a') + ".git/info/refs", ""));
  EXPECT_TRUE(parse_git_route("/git/" + std::string(64, 'a') + ".git/info/refs", ""));
}

TEST(ParseGitRoute, RejectsPathsGitDoesNotUse) {
  for (const char* path :
       {"/git/app.git/objects/info/packs", "/git/app.git/config", "/git/app.git/", "/git/app.git",
        "/git/app/info/refs", "/gitx/app.git/info/refs", "/api/app.git/info/refs", "/git/app.git/info/refs/",
        "/git/app.git/info/refs/../../config", "git/app.git/HEAD"}) {
    EXPECT_FALSE(parse_git_route(path, "")) << path;
  }
}

CgiRequest sample_request() {
  CgiRequest request;
  request.method = "POST";
  request.project_root = "/home/slipway/repos";
  request.path_info = "/app.git/git-receive-pack";
  request.query = "";
  request.remote_user = "ci-bot";
  request.remote_addr = "127.0.0.1";
  request.content_type = "application/x-git-receive-pack-request";
  request.content_length = "123";
  request.headers = {{"Authorization", "Basic eDp5"},       {"Cookie", "session=1"},
                     {"Proxy-Authorization", "Basic eDp5"}, {"Git-Protocol", "version=2"},
                     {"Content-Encoding", "gzip"},          {"Accept", "*/*"}};
  return request;
}

bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

TEST(CgiEnvironment, DescribesTheRequest) {
  auto env = cgi_environment(sample_request(), {"PATH=/usr/bin:/bin", "HOME=/home/slipway", "SECRET_KEY=x"});
  EXPECT_TRUE(has(env, "GIT_PROJECT_ROOT=/home/slipway/repos"));
  EXPECT_TRUE(has(env, "GIT_HTTP_EXPORT_ALL=1"));
  EXPECT_TRUE(has(env, "REQUEST_METHOD=POST"));
  EXPECT_TRUE(has(env, "PATH_INFO=/app.git/git-receive-pack"));
  EXPECT_TRUE(has(env, "QUERY_STRING="));
  EXPECT_TRUE(has(env, "REMOTE_USER=ci-bot"));
  EXPECT_TRUE(has(env, "REMOTE_ADDR=127.0.0.1"));
  EXPECT_TRUE(has(env, "CONTENT_TYPE=application/x-git-receive-pack-request"));
  EXPECT_TRUE(has(env, "CONTENT_LENGTH=123"));
  EXPECT_TRUE(has(env, "HTTP_GIT_PROTOCOL=version=2"));
  EXPECT_TRUE(has(env, "HTTP_CONTENT_ENCODING=gzip"));
  EXPECT_TRUE(has(env, "HTTP_ACCEPT=*/*"));
  EXPECT_TRUE(has(env, "PATH=/usr/bin:/bin"));
  EXPECT_TRUE(has(env, "HOME=/home/slipway"));
}

TEST(CgiEnvironment, NeverPassesCredentialsOrTheDaemonsOwnEnvironment) {
  auto env = cgi_environment(sample_request(), {"PATH=/bin", "SECRET_KEY=x", "SLIPWAY_TOKEN=t"});
  for (const auto& entry : env) {
    EXPECT_EQ(entry.find("AUTHORIZATION"), std::string::npos) << entry;
    EXPECT_EQ(entry.find("COOKIE"), std::string::npos) << entry;
    EXPECT_EQ(entry.find("eDp5"), std::string::npos) << entry;
    EXPECT_EQ(entry.find("SECRET_KEY"), std::string::npos) << entry;
    EXPECT_EQ(entry.find("SLIPWAY_TOKEN"), std::string::npos) << entry;
  }
}

TEST(CgiEnvironment, LeavesOutAnEmptyBody) {
  CgiRequest request = sample_request();
  request.method = "GET";
  request.content_type.clear();
  request.content_length.clear();
  auto env = cgi_environment(request, {});
  for (const auto& entry : env) {
    EXPECT_NE(entry.rfind("CONTENT_LENGTH=", 0), 0u) << entry;
    EXPECT_NE(entry.rfind("CONTENT_TYPE=", 0), 0u) << entry;
  }
}

TEST(ParseCgiHead, ReadsTheStatusLine) {
  auto head =
      parse_cgi_head("Status: 404 Not Found\r\nContent-Type: text/plain\r\nExpires: Fri, 01 Jan 1980\r\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 404);
  using Headers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(head->headers, (Headers{{"Content-Type", "text/plain"}, {"Expires", "Fri, 01 Jan 1980"}}));
}

TEST(ParseCgiHead, DefaultsTo200WithLfEndings) {
  auto head =
      parse_cgi_head("Content-Type: application/x-git-upload-pack-advertisement\nCache-Control: no-cache\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  ASSERT_EQ(head->headers.size(), 2u);
  EXPECT_EQ(head->headers[0].second, "application/x-git-upload-pack-advertisement");
  EXPECT_EQ(head->headers[1].first, "Cache-Control");
}

TEST(ParseCgiHead, StatusNameIsCaseInsensitive) {
  auto head = parse_cgi_head("status: 403 Forbidden\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 403);
  EXPECT_TRUE(head->headers.empty());
}

TEST(ParseCgiHead, RejectsMalformedHeads) {
  for (const char* text : {"no colon here\n", "Status: abc\n", "Status: 42\n", "Status: 600 Odd\n",
                           "Status: 099\n", "Status:\n", "Content-Type: text/plain\ngarbage\n"}) {
    EXPECT_FALSE(parse_cgi_head(text)) << text;
  }
}

TEST(FindCgiHeadEnd, FindsTheBlankLine) {
  EXPECT_EQ(find_cgi_head_end("Status: 200\r\n\r\nbody"), 15u);
  EXPECT_EQ(find_cgi_head_end("Status: 200\n\nbody"), 13u);
  EXPECT_EQ(find_cgi_head_end("A: 1\n\nbody\r\n\r\n"), 6u);  // whichever ends first
  EXPECT_EQ(find_cgi_head_end("A: 1\r\n\r\nbody\n\n"), 8u);
  EXPECT_EQ(find_cgi_head_end("Status: 200\r\nA: 1\r\n"), std::string_view::npos);
  EXPECT_EQ(find_cgi_head_end(""), std::string_view::npos);
}

}  // namespace
}  // namespace slipway::scm
