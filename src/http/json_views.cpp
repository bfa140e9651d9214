#include "http/json_views.h"

#include "scheduler/scheduler.h"
#include "scm/names.h"
#include "util/clock.h"

namespace slipway::http {

namespace {

nlohmann::json time_json(store::TimeMs ms) {
  if (ms == 0) return nullptr;
  return util::format_rfc3339(ms);
}

}  // namespace

nlohmann::json project_json(const store::Project& project, const std::string& base_url) {
  return {
      {"name", project.name},
      {"source", scm::redact_url(project.source_url)},
      {"default_branch", project.default_branch},
      {"webhook", !project.webhook_secret.empty()},
      {"poll_seconds", project.poll_seconds},
      {"git_url", base_url + "/git/" + project.name + ".git"},
      {"created_at", time_json(project.created_at)},
  };
}

nlohmann::json run_json(const store::Run& run) {
  return {
      {"id", run.id},
      {"project", run.project},
      {"status", store::to_string(run.status)},
      {"trigger", run.trigger},
      {"branch", run.branch},
      {"commit", run.commit},
      {"message", run.message},
      {"reason", run.reason},
      {"created_at", time_json(run.created_at)},
      {"started_at", time_json(run.started_at)},
      {"finished_at", time_json(run.finished_at)},
  };
}

nlohmann::json step_json(const store::Step& step, std::uint64_t log_size) {
  return {
      {"index", step.position},
      {"name", step.name},
      {"status", store::to_string(step.status)},
      {"exit_code", step.exit_code < 0 ? nlohmann::json(nullptr) : nlohmann::json(step.exit_code)},
      {"reason", step.reason},
      {"needs", step.needs},
      {"started_at", time_json(step.started_at)},
      {"finished_at", time_json(step.finished_at)},
      {"log_size", log_size},
  };
}

nlohmann::json run_with_steps_json(const store::Run& run, const std::vector<store::Step>& steps,
                                   const scheduler::Scheduler& scheduler) {
  auto json = run_json(run);
  auto& list = json["steps"] = nlohmann::json::array();
  for (const auto& step : steps) list.push_back(step_json(step, scheduler.log_size(run.id, step.position)));
  return json;
}

nlohmann::json token_json(const store::Token& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"role", store::to_string(token.role)},
          {"created_at", time_json(token.created_at)}};
}

}  // namespace slipway::http
