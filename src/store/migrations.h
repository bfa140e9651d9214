// Versioned schema migrations, applied in order on open (PRAGMA user_version
// holds how many have run).
#pragma once

#include <string_view>
#include <vector>

namespace slipway::store {

// Migration N (1-based) is element N-1. Append only; never edit a shipped one.
const std::vector<std::string_view>& sqlite_migrations();

}  // namespace slipway::store
