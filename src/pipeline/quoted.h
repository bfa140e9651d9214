// Quoting of user text inside error messages: the text of a slipway.yml or Procfile can hold
// newlines and megabytes, and neither may break the one-problem-per-line report.
#pragma once

#include <string>
#include <string_view>

namespace slipway::pipeline {

// TEXT in single quotes, control characters escaped (\n, \t, \xNN), cut to at most 64 bytes with "...".
std::string quoted(std::string_view text);

}  // namespace slipway::pipeline
