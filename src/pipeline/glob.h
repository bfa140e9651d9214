// Glob matching for branch filters: `release/*`, `feature/**`, `v?`.
#pragma once

#include <string_view>

namespace slipway::pipeline {

// `*` matches any run of characters other than `/`, `**` any run including `/`, `?` one character
// other than `/`; everything else matches itself. Runs in O(pattern × text) time, whatever the pattern.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace slipway::pipeline
