// How a deployment reads in the terminal once its JSON is known: the line printed
// when one is queued, the summary when a waited-for one ends, the listing of
// `slipway deployments APP` and the view of `slipway deployment show ID`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace slipway::cli {

// "deployment 9: release 3 → production (queued)"; a rollback says "rollback to release 2".
std::string deployment_line(const nlohmann::json& deployment);

// "deployment 9 (hello, release 3 → production): success in 4.2s — http://hello.localhost:8080/";
// a deployment that did not succeed ends with its reason instead of its URL.
std::string deployment_summary(const nlohmann::json& deployment, bool colour, std::int64_t now_ms);

// "deployment 12 (production), deployment 13 (staging)": what a config change or a
// scale started; "" for an empty array.
std::string started_deployments(const nlohmann::json& deployments);

// The table of `slipway deployments APP`, newest first as the API lists them.
std::string deployments_table(const nlohmann::json& deployments, bool colour, std::int64_t now_ms);

// The deployment's fields one per line.
std::string deployment_details(const nlohmann::json& deployment, bool colour, std::int64_t now_ms);

}  // namespace slipway::cli
