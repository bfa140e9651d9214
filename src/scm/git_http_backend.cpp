#include "scm/git_http_backend.h"

#include <cctype>
#include <string>

#include "scm/names.h"
#include "util/strings.h"

namespace slipway::scm {

namespace {

// The only paths git's smart and dumb HTTP protocols use.
bool allowed_rest(std::string_view rest) {
  return rest == "/info/refs" || rest == "/git-upload-pack" || rest == "/git-receive-pack" || rest == "/HEAD";
}

}  // namespace

std::optional<GitRoute> parse_git_route(std::string_view target_path, std::string_view query) {
  constexpr std::string_view prefix = "/git/";
  if (target_path.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view remainder = target_path.substr(prefix.size());
  auto dot_git = remainder.find(".git/");
  if (dot_git == std::string_view::npos) return std::nullopt;
  GitRoute route;
  route.project = std::string(remainder.substr(0, dot_git));
  route.rest = std::string(remainder.substr(dot_git + 4));
  if (!valid_project_name(route.project) || !allowed_rest(route.rest)) return std::nullopt;
  if (route.rest == "/info/refs") {
    // Decide as git http-backend will: on the decoded `service` value. Any
    // other value is refused rather than guessed at.
    std::string service;
    for (const auto& pair : util::split(query, '&')) {
      auto eq = pair.find('=');
      if (util::url_decode(pair.substr(0, eq), true) == "service" && eq != std::string::npos) {
        service = util::url_decode(pair.substr(eq + 1), true);
      }
    }
    if (!service.empty() && service != "git-upload-pack" && service != "git-receive-pack") return std::nullopt;
    route.is_push = service == "git-receive-pack";
  }
  route.is_push = route.is_push || route.rest == "/git-receive-pack";
  return route;
}

std::vector<std::string> cgi_environment(const CgiRequest& request, const std::vector<std::string>& base_env) {
  std::vector<std::string> env;
  for (const auto& entry : base_env) {
    for (const char* keep : {"PATH=", "HOME=", "LANG=", "TMPDIR="}) {
      if (entry.rfind(keep, 0) == 0) env.push_back(entry);
    }
  }
  env.push_back("GIT_PROJECT_ROOT=" + request.project_root);
  env.push_back("GIT_HTTP_EXPORT_ALL=1");
  env.push_back("GATEWAY_INTERFACE=CGI/1.1");
  env.push_back("SERVER_PROTOCOL=HTTP/1.1");
  env.push_back("REQUEST_METHOD=" + request.method);
  env.push_back("PATH_INFO=" + request.path_info);
  env.push_back("QUERY_STRING=" + request.query);
  env.push_back("REMOTE_USER=" + request.remote_user);
  env.push_back("REMOTE_ADDR=" + request.remote_addr);
  if (!request.content_type.empty()) env.push_back("CONTENT_TYPE=" + request.content_type);
  if (!request.content_length.empty()) env.push_back("CONTENT_LENGTH=" + request.content_length);
  for (const auto& [name, value] : request.headers) {
    std::string key = "HTTP_";
    for (char c : name) {
      key += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    // Only headers git reads; never pass credentials on.
    if (key == "HTTP_CONTENT_ENCODING" || key == "HTTP_GIT_PROTOCOL" || key == "HTTP_ACCEPT") {
      env.push_back(key + "=" + value);
    }
  }
  return env;
}

std::optional<std::vector<RefUpdate>> parse_receive_pack_commands(std::string_view body) {
  std::vector<RefUpdate> updates;
  std::size_t at = 0;
  while (true) {
    if (body.size() < at + 4) return std::nullopt;
    unsigned long long length = 0;
    std::string hex(body.substr(at, 4));
    for (char c : hex) {
      int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : (c >= 'a' && c <= 'f')                   ? c - 'a' + 10
                                                             : -1;
      if (digit < 0) return std::nullopt;
      length = length * 16 + static_cast<unsigned>(digit);
    }
    if (length == 0) return updates;  // flush: the pack follows
    if (length < 4 + 83 || body.size() < at + length) return std::nullopt;
    std::string_view line = body.substr(at + 4, length - 4);
    line = line.substr(0, line.find('\0'));  // capabilities follow the first command
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (line.size() < 83 || line[40] != ' ' || line[81] != ' ') return std::nullopt;
    updates.push_back({std::string(line.substr(0, 40)), std::string(line.substr(41, 40)), std::string(line.substr(82))});
    at += length;
  }
}

std::size_t find_cgi_head_end(std::string_view data) {
  auto crlf = data.find("\r\n\r\n");
  auto lf = data.find("\n\n");
  if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf)) return crlf + 4;
  if (lf != std::string_view::npos) return lf + 2;
  return std::string_view::npos;
}

std::optional<CgiResponseHead> parse_cgi_head(std::string_view head) {
  CgiResponseHead result;
  for (auto& line : util::split(head, '\n')) {
    std::string_view text = util::trim(line);
    if (text.empty()) continue;
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string name(util::trim(text.substr(0, colon)));
    std::string value(util::trim(text.substr(colon + 1)));
    if (util::to_lower(name) == "status") {
      unsigned long long code = 0;
      if (value.size() < 3 || !util::parse_uint(value.substr(0, 3), code) || code < 100 || code > 599) {
        return std::nullopt;
      }
      result.status = static_cast<int>(code);
    } else {
      result.headers.emplace_back(std::move(name), std::move(value));
    }
  }
  return result;
}

}  // namespace slipway::scm
