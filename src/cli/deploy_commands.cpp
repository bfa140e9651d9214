// The deploy commands: POST /apps/APP/deploy and /apps/APP/rollback.
#include "cli/deploy_commands.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/app_paths.h"
#include "cli/command_context.h"
#include "cli/deployment_report.h"
#include "cli/deployment_watch.h"
#include "cli/exit_status.h"
#include "cli/json_fields.h"
#include "cli/run_follower.h"
#include "cli/run_report.h"
#include "util/clock.h"
#include "util/error.h"

namespace slipway::cli {

namespace {

using namespace std::chrono_literals;

constexpr const char* kExitStatusHelp =
    "With --wait, the exit status is the deployment's: 0 when it succeeded, 1 when it failed (or on\n"
    "any error), 3 when it was cancelled, interrupted or superseded; 2 for a bad command line.";

// The scheduler queues a run's deployment just after the run ends; give it this long.
constexpr auto kDeploymentAppearsWithin = 30s;
constexpr auto kPollInterval = 300ms;

struct DeployOptions {
  std::string app;
  std::string environment;
  std::int64_t release = 0;
  std::string ref;
  bool wait = false;
};

struct RollbackOptions {
  std::string app;
  std::string environment;
  std::int64_t to = 0;
  bool wait = false;
};

int report_deployment(CommandContext& context, const nlohmann::json& deployment, bool wait) {
  if (wait) return watch_deployment(context, integer_of(deployment, "id", 0));
  if (context.json()) {
    context.print_json(deployment);
  } else {
    std::cout << deployment_line(deployment) << "\n";
  }
  return kExitSuccess;
}

// The deployment the scheduler started for run RUN_ID of APP: the newest one of the
// release built by that run, once it exists. Deployments do not name their run, so
// the release in between tells.
std::int64_t find_deployment_of_run(const ApiClient& client, const DeployOptions& options, std::int64_t run_id) {
  Query query = {{"limit", "20"}};
  if (!options.environment.empty()) query.emplace_back("environment", options.environment);
  auto deadline = std::chrono::steady_clock::now() + kDeploymentAppearsWithin;
  for (;;) {
    std::int64_t release = 0;
    const nlohmann::json releases = client.get(app_path(options.app, "/releases")).body;  // kept alive for the loop
    for (const auto& candidate : array_of(releases, "releases")) {
      if (integer_of(candidate, "run", 0) == run_id) release = integer_of(candidate, "number", 0);
    }
    if (release > 0) {
      nlohmann::json answer = client.get(app_path(options.app, "/deployments"), query).body;
      for (const auto& deployment : array_of(answer, "deployments")) {
        if (integer_of(deployment, "release", 0) == release) return integer_of(deployment, "id", 0);
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw util::Error(fmt::format("run {} passed but no deployment of it was started; see `slipway deployments {}`",
                                    run_id, options.app));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

// A deploy of a ref queued a run; with --wait, follow it, then the deployment it leads to.
int report_run(CommandContext& context, const DeployOptions& options, const nlohmann::json& answer) {
  const nlohmann::json& run = answer["run"];
  std::int64_t run_id = integer_of(run, "id", 0);
  if (!options.wait) {
    if (context.json()) {
      context.print_json(answer);
    } else {
      std::cout << fmt::format("run {} queued; it deploys when it passes\n", run_id);
    }
    return kExitSuccess;
  }

  if (!context.json()) std::cout << fmt::format("run {} queued; it deploys when it passes\n", run_id);
  FollowOptions quiet;
  quiet.on_reconnect = [](int, const std::string&) {};
  nlohmann::json finished = follow_run(
      context.client(), run_id, [](const SseEvent&) {}, quiet);
  std::string status = text_of(finished, "status");
  if (status.empty()) throw util::Error(fmt::format("run {} was deleted while it was being followed", run_id));
  if (!context.json()) std::cout << summary_line(finished, context.colour(), util::now_ms()) << "\n";
  if (status != "success") {
    if (context.json()) context.print_json({{"run", finished}, {"deployment", nullptr}});
    if (status == "skipped") std::cerr << "slipway: the run was skipped; nothing was deployed\n";
    return status == "skipped" ? kExitFailure : exit_status_for_run(status);
  }

  std::int64_t deployment_id = find_deployment_of_run(context.client(), options, run_id);
  if (!context.json()) return watch_deployment(context, deployment_id);
  nlohmann::json deployment = poll_deployment(context.client(), deployment_id);
  context.print_json({{"run", finished}, {"deployment", deployment}});
  return exit_status_for_deployment(text_of(deployment, "status"));
}

int deploy(CommandContext& context, const DeployOptions& options) {
  nlohmann::json body = nlohmann::json::object();
  if (!options.environment.empty()) body["environment"] = options.environment;
  if (options.release > 0) body["release"] = options.release;
  if (!options.ref.empty()) body["ref"] = options.ref;
  nlohmann::json answer = context.client().post(app_path(options.app, "/deploy"), body).body;
  if (answer.is_object() && answer.contains("run")) return report_run(context, options, answer);
  return report_deployment(context, answer, options.wait);
}

int rollback(CommandContext& context, const RollbackOptions& options) {
  nlohmann::json body = nlohmann::json::object();
  if (!options.environment.empty()) body["environment"] = options.environment;
  if (options.to > 0) body["to"] = options.to;
  nlohmann::json deployment = context.client().post(app_path(options.app, "/rollback"), body).body;
  return report_deployment(context, deployment, options.wait);
}

}  // namespace

void add_deploy_commands(CLI::App& app, CommandSet& commands) {
  auto deploy_options = std::make_shared<DeployOptions>();
  CLI::App* deploy_command =
      app.add_subcommand("deploy", "Deploy a release of an app, or build a ref and deploy it if it passes (deployer)");
  deploy_command->add_option("APP", deploy_options->app, "App (project) name")->required();
  deploy_command->add_option("--env", deploy_options->environment,
                             "Environment to deploy to (default: the app's first environment)");
  CLI::Option* release = deploy_command->add_option("--release", deploy_options->release,
                                                    "Release number to deploy (default: the newest)");
  release->check(CLI::PositiveNumber);
  deploy_command->add_option("--ref", deploy_options->ref, "Branch, tag or commit to build, test and then deploy")
      ->excludes(release);
  deploy_command->add_flag("-w,--wait", deploy_options->wait,
                           "Show the deployment's log until it ends (after the run, with --ref); exit with its "
                           "status");
  deploy_command->footer(kExitStatusHelp);
  commands.add(deploy_command,
               [deploy_options](CommandContext& context) { return deploy(context, *deploy_options); });

  auto rollback_options = std::make_shared<RollbackOptions>();
  CLI::App* rollback_command =
      app.add_subcommand("rollback", "Deploy an earlier release again (deployer)");
  rollback_command->add_option("APP", rollback_options->app, "App (project) name")->required();
  rollback_command->add_option("--env", rollback_options->environment,
                               "Environment to roll back (default: the app's first environment)");
  rollback_command
      ->add_option("--to", rollback_options->to,
                   "Release number to go back to (default: the one live before the current one)")
      ->check(CLI::PositiveNumber);
  rollback_command->add_flag("-w,--wait", rollback_options->wait,
                             "Show the deployment's log until it ends; exit with its status");
  rollback_command->footer(kExitStatusHelp);
  commands.add(rollback_command,
               [rollback_options](CommandContext& context) { return rollback(context, *rollback_options); });
}

}  // namespace slipway::cli
