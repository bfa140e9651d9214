// Checks for names that come from outside and end up in paths, refs, URLs
// or logs: project names, branch names, remote URLs.
#pragma once

#include <string>
#include <string_view>

namespace slipway::scm {

// 1-64 letters, digits, '-', '_', '.', starting with a letter or digit, no
// "..", not ending in ".git": safe as a folder name and a URL part.
bool valid_project_name(std::string_view name);
// What git accepts after refs/heads/ (git check-ref-format), and no control characters.
bool valid_branch_name(const std::string& name);
// A URL with any user:password@ part replaced by "***@", for logs and the API.
std::string redact_url(std::string_view url);

}  // namespace slipway::scm
