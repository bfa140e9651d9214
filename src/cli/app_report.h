// How apps read in the terminal: the listing of `slipway apps`, an app's
// environments and instances (`app show`, `ps`), its releases, its config and
// its formation. Pure functions of the API's JSON, so they are tested without HTTP.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace slipway::cli {

// One line per environment of each app of APPS: APP, ENV, RELEASE, STATUS, URL, SINCE.
std::string apps_table(const nlohmann::json& apps, bool colour, std::int64_t now_ms);

// One line per environment of APP, with its commit and domains.
std::string environments_table(const nlohmann::json& app, bool colour, std::int64_t now_ms);

// PROCESS, INDEX, STATUS, PID, PORT, RELEASE, RESTARTS; an ENV column first when
// the instances run in more than one environment.
std::string instances_table(const nlohmann::json& instances, bool colour);

// NUMBER, COMMIT, RUN, CONFIG, TYPE, CREATED, LIVE (the environments it is live in).
std::string releases_table(const nlohmann::json& releases, std::int64_t now_ms);

// KEY, VALUE; a secret shows "****" whatever the daemon sent.
std::string config_table(const nlohmann::json& config);

// "web=2 worker=1" from {"web": 2, "worker": 1}; "none" when empty.
std::string formation_text(const nlohmann::json& formation);

}  // namespace slipway::cli
