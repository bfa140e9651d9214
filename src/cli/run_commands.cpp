// The run commands: requests to /api/v1/runs and /projects/NAME/runs.
#include "cli/run_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command_context.h"
#include "cli/exit_status.h"
#include "cli/human_format.h"
#include "cli/json_fields.h"
#include "cli/run_report.h"
#include "cli/run_watch.h"
#include "util/clock.h"

namespace slipway::cli {

namespace {

constexpr const char* kExitStatusHelp =
    "With --wait or --follow, the exit status is the run's: 0 when it succeeded or was skipped,\n"
    "1 when it failed (or on any error), 3 when it was cancelled or interrupted; 2 for a bad command line.";

struct StartOptions {
  std::string project;
  std::string ref;
  std::int64_t run_id = 0;  // rerun
  bool wait = false;
  bool follow = false;
  bool quiet = false;
};

struct ListOptions {
  std::string project;
  std::string status;
  std::string branch;
  int limit = 0;
  std::int64_t before = 0;
};

struct CancelOptions {
  std::int64_t run_id = 0;
  bool wait = false;
};

std::string run_path(std::int64_t id, std::string_view what = "") {
  return fmt::format("/runs/{}{}", id, what);
}

// After a run was queued: report it, or watch it when asked to.
int report_started(CommandContext& context, const nlohmann::json& run, const StartOptions& options) {
  std::int64_t id = integer_of(run, "id", 0);
  if (options.follow) return watch_run(context, id, WatchMode::follow);
  if (options.wait) return watch_run(context, id, WatchMode::wait);
  if (context.json()) {
    context.print_json(run);
  } else if (options.quiet) {
    std::cout << id << "\n";
  } else {
    std::cout << fmt::format("queued run {} ({}, {})\n", id, printable(text_of(run, "project")),
                             printable(text_of(run, "branch")))
              << fmt::format("follow it with: slipway logs -f {}\n", id);
  }
  return kExitSuccess;
}

int start_run(CommandContext& context, const StartOptions& options) {
  nlohmann::json body = nlohmann::json::object();
  if (!options.ref.empty()) body["ref"] = options.ref;
  nlohmann::json run = context.client().post("/projects/" + url_encode(options.project) + "/runs", body).body;
  return report_started(context, run, options);
}

int rerun(CommandContext& context, const StartOptions& options) {
  nlohmann::json run = context.client().post(run_path(options.run_id, "/rerun")).body;
  return report_started(context, run, options);
}

int list_runs(CommandContext& context, const ListOptions& options) {
  Query query;
  if (!options.project.empty()) query.emplace_back("project", options.project);
  if (!options.status.empty()) query.emplace_back("status", options.status);
  if (!options.branch.empty()) query.emplace_back("branch", options.branch);
  if (options.limit > 0) query.emplace_back("limit", std::to_string(options.limit));
  if (options.before > 0) query.emplace_back("before", std::to_string(options.before));
  nlohmann::json answer = context.client().get("/runs", query).body;
  if (context.json()) {
    context.print_json(answer);
    return kExitSuccess;
  }
  const nlohmann::json& runs = array_of(answer, "runs");
  if (runs.empty()) {
    std::cout << "no runs\n";
    return kExitSuccess;
  }
  std::cout << runs_table(runs, context.colour(), util::now_ms());
  if (std::int64_t next = integer_of(answer, "next_before", 0); next > 0) {
    std::cerr << fmt::format("older runs: add --before {}\n", next);
  }
  return kExitSuccess;
}

int show_status(CommandContext& context, std::int64_t run_id) {
  nlohmann::json run = context.client().get(run_path(run_id)).body;
  if (context.json()) {
    context.print_json(run);
  } else {
    std::cout << run_details(run, context.colour(), util::now_ms());
  }
  return exit_status_for_run(text_of(run, "status"));
}

int cancel_run(CommandContext& context, const CancelOptions& options) {
  nlohmann::json run = context.client().post(run_path(options.run_id, "/cancel")).body;
  if (options.wait) {
    watch_run(context, options.run_id, WatchMode::wait);
    return kExitSuccess;  // the cancellation worked, whatever the run's final state
  }
  if (context.json()) {
    context.print_json(run);
  } else if (text_of(run, "status") == "cancelled") {
    std::cout << fmt::format("cancelled run {}\n", options.run_id);
  } else {
    std::cout << fmt::format("cancelling run {}: its steps are being stopped\n", options.run_id);
  }
  return kExitSuccess;
}

void add_wait_flags(CLI::App* command, StartOptions& options) {
  command->add_flag("-w,--wait", options.wait,
                    "Wait for the run to end, print how it went, exit with its status");
  command->add_flag("-f,--follow", options.follow,
                    "Show the run's logs live until it ends, exit with its status");
  command->add_flag("-q,--quiet", options.quiet, "Print only the new run's id")
      ->excludes("--wait", "--follow");
}

}  // namespace

void add_run_commands(CLI::App& app, CommandSet& commands) {
  auto start = std::make_shared<StartOptions>();
  CLI::App* run_command = app.add_subcommand("run", "Start a run of a project (deployer)");
  run_command->add_option("APP", start->project, "Project name")->required();
  run_command->add_option("--ref", start->ref,
                          "Branch, tag or commit to build (default: the default branch)");
  add_wait_flags(run_command, *start);
  run_command->footer(kExitStatusHelp);
  commands.add(run_command, [start](CommandContext& context) { return start_run(context, *start); });

  auto again = std::make_shared<StartOptions>();
  CLI::App* rerun_command = app.add_subcommand("rerun", "Run the same commit and branch again (deployer)");
  rerun_command->add_option("RUN", again->run_id, "Run id")->required();
  add_wait_flags(rerun_command, *again);
  rerun_command->footer(kExitStatusHelp);
  commands.add(rerun_command, [again](CommandContext& context) { return rerun(context, *again); });

  auto list = std::make_shared<ListOptions>();
  CLI::App* runs_command = app.add_subcommand("runs", "List runs, newest first");
  runs_command->add_option("--project,-p", list->project, "Only this project's runs");
  runs_command->add_option("--status,-s", list->status, "Only runs in this state")
      ->check(
          CLI::IsMember({"queued", "running", "success", "failed", "cancelled", "interrupted", "skipped"}));
  runs_command->add_option("--branch,-b", list->branch, "Only runs of this branch");
  runs_command->add_option("--limit,-n", list->limit, "How many (1-200, default 50)")
      ->check(CLI::Range(1, 200));
  runs_command->add_option("--before", list->before, "Only runs older than this run id (paging)")
      ->check(CLI::PositiveNumber);
  commands.add(runs_command, [list](CommandContext& context) { return list_runs(context, *list); });

  auto status_id = std::make_shared<std::int64_t>(0);
  CLI::App* status_command = app.add_subcommand("status", "Show a run and its steps");
  status_command->add_option("RUN", *status_id, "Run id")->required();
  status_command->footer(
      "Exit status: the run's, once it has finished: 0 success or skipped, 1 failed, 3 cancelled or\n"
      "interrupted; 0 while it is queued or running; 1 on any error, 2 for a bad command line.");
  commands.add(status_command,
               [status_id](CommandContext& context) { return show_status(context, *status_id); });

  auto cancel = std::make_shared<CancelOptions>();
  CLI::App* cancel_command = app.add_subcommand("cancel", "Cancel a queued or running run (deployer)");
  cancel_command->add_option("RUN", cancel->run_id, "Run id")->required();
  cancel_command->add_flag("-w,--wait", cancel->wait, "Wait until its steps have stopped");
  commands.add(cancel_command, [cancel](CommandContext& context) { return cancel_run(context, *cancel); });
}

}  // namespace slipway::cli
