// The records Slipway keeps: projects, runs, steps, tokens. Plain data; the
// state names are the ones the API and the CLI show.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::store {

using Id = std::int64_t;
using TimeMs = std::int64_t;  // milliseconds since the Unix epoch; 0 = not yet

struct Project {
  Id id = 0;
  std::string name;
  std::string source_url;      // empty: pushed to Slipway's own git hosting
  std::string webhook_secret;  // for forge webhooks; empty: webhooks refused
  std::string default_branch = "main";
  TimeMs created_at = 0;
  int poll_seconds = 0;        // > 0: the daemon asks the source for new heads this often
};

enum class RunStatus { queued, running, success, failed, cancelled, interrupted, skipped };
enum class StepStatus { pending, running, success, failed, cancelled, skipped, interrupted };

std::string_view to_string(RunStatus status);
std::string_view to_string(StepStatus status);
std::optional<RunStatus> parse_run_status(std::string_view text);
std::optional<StepStatus> parse_step_status(std::string_view text);
bool is_finished(RunStatus status);
bool is_finished(StepStatus status);

struct Run {
  Id id = 0;
  Id project_id = 0;
  std::string project;       // the project's name
  RunStatus status = RunStatus::queued;
  std::string trigger;       // push | manual | webhook | rerun
  std::string branch;
  std::string commit;
  std::string message;       // the commit message's first line
  std::string reason;        // why it ended the way it did, when not obvious
  TimeMs created_at = 0;
  TimeMs started_at = 0;
  TimeMs finished_at = 0;
};

struct Step {
  Id id = 0;
  Id run_id = 0;
  int position = 0;           // 0 is the setup step (checkout and pipeline file)
  std::string name;
  std::vector<int> needs;     // positions of the steps it waits for
  StepStatus status = StepStatus::pending;
  int exit_code = -1;
  std::string reason;
  TimeMs started_at = 0;
  TimeMs finished_at = 0;
  std::int64_t pgid = 0;      // while running: the process group, to clean up after a crash
  std::int64_t pgid_start_time = 0;
};

enum class Role { viewer, deployer, admin };
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

struct Token {
  Id id = 0;
  std::string name;
  Role role = Role::viewer;
  TimeMs created_at = 0;
};

struct RunFilter {
  std::optional<Id> project_id;
  std::optional<RunStatus> status;
  std::optional<std::string> branch;
  std::optional<Id> before_id;  // paging: runs with a smaller id
  int limit = 50;
};

}  // namespace slipway::store
