#include "scm/names.h"

#include <git2.h>

#include <cctype>

#include "scm/git_repository.h"

namespace slipway::scm {

bool valid_project_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!std::isalnum(static_cast<unsigned char>(name.front()))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return name.find("..") == std::string_view::npos && !(name.size() >= 4 && name.substr(name.size() - 4) == ".git");
}

bool valid_branch_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name.front() == '-') return false;  // git refuses "-x" branches too
  for (char c : name) {
    if (std::iscntrl(static_cast<unsigned char>(c))) return false;
  }
  static const GitLibrary library;  // libgit2 reports errors through state it sets up on init
  int valid = 0;
  std::string ref = "refs/heads/" + name;
  return git_reference_name_is_valid(&valid, ref.c_str()) == 0 && valid != 0;
}

std::string redact_url(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);  // scp-like user@host:path has no secret
  auto host_start = scheme + 3;
  auto path_start = url.find('/', host_start);
  auto at = url.rfind('@', path_start == std::string_view::npos ? url.size() : path_start);
  if (at == std::string_view::npos || at < host_start) return std::string(url);
  return std::string(url.substr(0, host_start)) + "***" + std::string(url.substr(at));
}

}  // namespace slipway::scm
