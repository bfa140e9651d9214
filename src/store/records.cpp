#include "store/records.h"

#include "store/deploy_records.h"

#include <array>
#include <utility>

namespace slipway::store {

namespace {

constexpr std::array<std::pair<RunStatus, std::string_view>, 7> kRunStatuses{{
    {RunStatus::queued, "queued"},
    {RunStatus::running, "running"},
    {RunStatus::success, "success"},
    {RunStatus::failed, "failed"},
    {RunStatus::cancelled, "cancelled"},
    {RunStatus::interrupted, "interrupted"},
    {RunStatus::skipped, "skipped"},
}};

constexpr std::array<std::pair<StepStatus, std::string_view>, 7> kStepStatuses{{
    {StepStatus::pending, "pending"},
    {StepStatus::running, "running"},
    {StepStatus::success, "success"},
    {StepStatus::failed, "failed"},
    {StepStatus::cancelled, "cancelled"},
    {StepStatus::skipped, "skipped"},
    {StepStatus::interrupted, "interrupted"},
}};

constexpr std::array<std::pair<Role, std::string_view>, 3> kRoles{{
    {Role::viewer, "viewer"},
    {Role::deployer, "deployer"},
    {Role::admin, "admin"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                             std::string_view text) {
  for (const auto& [v, name] : table) {
    if (name == text) return v;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<DeploymentStatus, std::string_view>, 8> kDeploymentStatuses{{
    {DeploymentStatus::queued, "queued"},
    {DeploymentStatus::running, "running"},
    {DeploymentStatus::waiting, "waiting"},
    {DeploymentStatus::success, "success"},
    {DeploymentStatus::failed, "failed"},
    {DeploymentStatus::superseded, "superseded"},
    {DeploymentStatus::cancelled, "cancelled"},
    {DeploymentStatus::interrupted, "interrupted"},
}};

}  // namespace

std::string_view to_string(DeploymentStatus status) { return name_of(kDeploymentStatuses, status); }
std::optional<DeploymentStatus> parse_deployment_status(std::string_view text) {
  return value_of(kDeploymentStatuses, text);
}
bool is_finished(DeploymentStatus status) {
  return status != DeploymentStatus::queued && status != DeploymentStatus::running &&
         status != DeploymentStatus::waiting;
}

std::string_view to_string(RunStatus status) { return name_of(kRunStatuses, status); }
std::string_view to_string(StepStatus status) { return name_of(kStepStatuses, status); }
std::string_view to_string(Role role) { return name_of(kRoles, role); }
std::optional<RunStatus> parse_run_status(std::string_view text) { return value_of(kRunStatuses, text); }
std::optional<StepStatus> parse_step_status(std::string_view text) { return value_of(kStepStatuses, text); }
std::optional<Role> parse_role(std::string_view text) { return value_of(kRoles, text); }

bool is_finished(RunStatus status) {
  return status != RunStatus::queued && status != RunStatus::running;
}

bool is_finished(StepStatus status) {
  return status != StepStatus::pending && status != StepStatus::running;
}

}  // namespace slipway::store
