// How projects, runs and steps look in the API's JSON.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/records.h"

namespace slipway::scheduler {
class Scheduler;
}

namespace slipway::http {

nlohmann::json project_json(const store::Project& project, const std::string& base_url);
nlohmann::json run_json(const store::Run& run);
nlohmann::json step_json(const store::Step& step, std::uint64_t log_size);
// The run with its steps (and their live log sizes).
nlohmann::json run_with_steps_json(const store::Run& run, const std::vector<store::Step>& steps,
                                   const scheduler::Scheduler& scheduler);
nlohmann::json token_json(const store::Token& token);

}  // namespace slipway::http
