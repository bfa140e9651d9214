#include "scheduler/run_preparation.h"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "util/error.h"
#include "util/strings.h"

namespace slipway::scheduler {

namespace {

PreparedRun failed(const LogWriter& log, const std::string& message) {
  log(message + "\n");
  PreparedRun result;
  result.outcome = PreparedRun::Outcome::failed;
  result.reason = message.substr(0, message.find('\n'));
  return result;
}

}  // namespace

PreparedRun prepare_run(const scm::GitRepository& repo, const store::Run& run, const std::string& workspace,
                        const LogWriter& log) {
  std::string short_commit = run.commit.substr(0, 7);
  std::optional<std::string> text;
  try {
    text = repo.read_file(run.commit, kPipelineFileName);
  } catch (const util::Error& e) {
    return failed(log, fmt::format("cannot read commit {}: {}", short_commit, e.what()));
  }
  if (!text) {
    return failed(log, fmt::format("{}: no such file at commit {}; add a {} with your steps at the repository root",
                                   kPipelineFileName, short_commit, kPipelineFileName));
  }
  auto parsed = pipeline::parse_pipeline(*text, kPipelineFileName);
  if (!parsed) return failed(log, parsed.error());

  PreparedRun result;
  result.pipeline = std::move(parsed.value());
  if (!result.pipeline.when.matches(run.branch)) {
    result.outcome = PreparedRun::Outcome::skipped;
    result.reason = fmt::format("branch '{}' does not match the pipeline's when.branch", run.branch);
    log(result.reason + "\n");
    return result;
  }
  bool any = false;
  for (const auto& step : result.pipeline.steps) {
    bool match = step.when.matches(run.branch);
    result.selected.push_back(match);
    any = any || match;
  }
  if (!any) {
    result.outcome = PreparedRun::Outcome::skipped;
    result.reason = fmt::format("no step runs on branch '{}' (when.branch)", run.branch);
    log(result.reason + "\n");
    return result;
  }

  auto started = std::chrono::steady_clock::now();
  try {
    std::filesystem::remove_all(workspace);
    repo.checkout_into(run.commit, run.branch, workspace);
  } catch (const std::exception& e) {
    return failed(log, fmt::format("checkout of {} failed: {}", short_commit, e.what()));
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  auto count = result.pipeline.steps.size();
  log(fmt::format("checked out {} ({}) in {} ms; {} step{}\n", short_commit, run.branch, took.count(), count,
                  count == 1 ? "" : "s"));
  for (const auto& step : result.pipeline.steps) {
    // Accepted by the file format, carried out by later versions: say so rather than ignore it.
    if (!step.artifacts.empty()) {
      log(fmt::format("note: step '{}' lists artifacts; keeping artifacts is not supported yet\n", step.name));
    }
  }
  result.outcome = PreparedRun::Outcome::ready;
  return result;
}

}  // namespace slipway::scheduler
