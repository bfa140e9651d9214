// The pieces of serving git over smart HTTP through `git http-backend` (CGI)
// that do not touch sockets: which requests are git's, the CGI environment,
// and parsing the CGI response header.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::scm {

// A request under /git/: "/git/NAME.git/info/refs" -> {NAME, "/info/refs"}.
struct GitRoute {
  std::string project;
  std::string rest;  // starts with '/'
  bool is_push = false;  // receive-pack: needs the right to push
};
std::optional<GitRoute> parse_git_route(std::string_view target_path, std::string_view query);

struct CgiRequest {
  std::string method;
  std::string project_root;  // the folder holding NAME.git
  std::string path_info;     // "/NAME.git/info/refs"
  std::string query;
  std::string remote_user;
  std::string remote_addr;
  std::string content_type;
  std::string content_length;  // empty when there is no body
  std::vector<std::pair<std::string, std::string>> headers;  // passed as HTTP_*
};
// The environment for `git http-backend` (PATH etc. taken from BASE_ENV).
std::vector<std::string> cgi_environment(const CgiRequest& request, const std::vector<std::string>& base_env);

struct CgiResponseHead {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // without Status
};
// Parses the CGI header block (everything before the blank line).
std::optional<CgiResponseHead> parse_cgi_head(std::string_view head);
// Where the CGI header block ends in DATA (index after the blank line), or npos.
std::size_t find_cgi_head_end(std::string_view data);

// One "old new ref" command at the start of a git-receive-pack request.
struct RefUpdate {
  std::string old_id;
  std::string new_id;  // 40 zeros: the ref is deleted
  std::string ref;
};
// The commands of a receive-pack request body (pkt-lines up to the first
// flush); nothing when BODY does not start with well-formed commands.
std::optional<std::vector<RefUpdate>> parse_receive_pack_commands(std::string_view body);

}  // namespace slipway::scm
