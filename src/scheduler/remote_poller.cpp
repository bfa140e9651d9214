#include "scheduler/remote_poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "scm/names.h"
#include "scm/remote_heads.h"
#include "util/error.h"
#include "util/strings.h"

namespace slipway::scheduler {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kDefaultMinimumSeconds = 10;
constexpr int kMaximumSeconds = 7 * 24 * 3600;
constexpr std::chrono::seconds kTick{1};
// ls-remote answers in about a second; one that hangs (a dead host, a firewall) is ended.
constexpr std::chrono::seconds kMaxPollTime{60};
constexpr std::uintmax_t kMaxOutput = 8 * 1024 * 1024;

std::string read_output(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxOutput) return {};
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The last line of git's complaint, with the source URL's credentials hidden.
std::string complaint(std::string output, const std::string& source_url) {
  std::string_view text = util::trim(output);
  auto newline = text.rfind('\n');
  std::string line(newline == std::string_view::npos ? text : text.substr(newline + 1));
  std::string redacted = scm::redact_url(source_url);
  for (auto at = line.find(source_url); !source_url.empty() && at != std::string::npos;
       at = line.find(source_url)) {
    line.replace(at, source_url.size(), redacted);
  }
  return line.substr(0, 300);
}

}  // namespace

namespace {
std::atomic<int> poll_minimum{kDefaultMinimumSeconds};
}  // namespace

int poll_minimum_seconds() { return poll_minimum.load(); }

void set_poll_minimum_seconds(int seconds) {
  if (seconds < 1 || seconds >= kDefaultMinimumSeconds) return;
  spdlog::warn("--test-poll-minimum: projects may poll every {} s (for tests only)", seconds);
  poll_minimum.store(seconds);
}

std::optional<std::string> poll_interval_problem(long long seconds, int minimum_seconds) {
  if (seconds == 0) return std::nullopt;
  if (seconds < minimum_seconds || seconds > kMaximumSeconds) {
    return "poll interval must be 0 (off) or " + std::to_string(minimum_seconds) + " to " +
           std::to_string(kMaximumSeconds) + " seconds, got " + std::to_string(seconds);
  }
  return std::nullopt;
}

struct RemotePoller::ProjectPoll {
  std::string name;
  std::string source_url;
  int interval = 0;
  Clock::time_point due;
  std::shared_ptr<exec::StepExecution> running;  // never two polls of a project at once
  std::string output_path;
};

RemotePoller::RemotePoller(boost::asio::io_context& io, store::Store& store, Scheduler& scheduler,
                           const store::HomeLayout& layout, PollSettings settings)
    : io_(io),
      store_(store),
      scheduler_(scheduler),
      layout_(layout),
      settings_(std::move(settings)),
      timer_(io) {}

RemotePoller::~RemotePoller() = default;

void RemotePoller::start() {
  stopped_ = false;
  tick();
}

void RemotePoller::stop() {
  stopped_ = true;
  timer_.cancel();
  for (auto& [id, poll] : polls_) {
    if (poll->running) poll->running->cancel();
  }
}

void RemotePoller::schedule_tick() {
  timer_.expires_after(kTick);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) tick();
  });
}

void RemotePoller::tick() {
  try {
    auto now = Clock::now();
    std::map<store::Id, bool> polling;
    for (const auto& project : store_.list_projects()) {
      if (project.poll_seconds <= 0 || project.source_url.empty()) continue;
      polling[project.id] = true;
      auto& poll = polls_[project.id];
      int interval = std::max(project.poll_seconds, poll_minimum_seconds());
      if (!poll) {
        poll = std::make_unique<ProjectPoll>();
        // Staggered: projects that start polling together (a daemon start) do not ask at once.
        auto spread = std::chrono::milliseconds(std::min(interval, 10) * 1000);
        poll->due = now + std::chrono::milliseconds((project.id * 7919) % spread.count());
      } else if (interval < poll->interval) {
        poll->due = std::min(poll->due, now + std::chrono::seconds(interval));
      }
      poll->name = project.name;
      poll->source_url = project.source_url;
      poll->interval = interval;
      if (!poll->running && now >= poll->due) start_poll(project, *poll);
    }
    for (auto it = polls_.begin(); it != polls_.end();) {
      if (polling.count(it->first) == 0 && !it->second->running) {
        it = polls_.erase(it);  // deleted, or polling turned off
      } else {
        ++it;
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("polling: {}", e.what());
  }
  schedule_tick();
}

void RemotePoller::start_poll(const store::Project& project, ProjectPoll& poll) {
  poll.due = Clock::now() + std::chrono::seconds(poll.interval);
  std::string dir = layout_.home() + "/tmp";
  poll.output_path = dir + "/poll-" + std::to_string(project.id) + ".out";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::remove(poll.output_path, ec);  // the execution appends
  exec::StepOptions options;
  // Every value is its own argv element; "--" keeps the URL from being read as an option.
  options.argv = {"git", "ls-remote", "--heads", "--tags", "--", project.source_url};
  options.env = scm::remote_git_env(settings_.base_env);
  options.cwd = layout_.home();
  options.log_path = poll.output_path;
  options.timeout = std::clamp(std::chrono::seconds(poll.interval), std::chrono::seconds(5), kMaxPollTime);
  options.kill_grace = settings_.kill_grace;
  const auto project_id = project.id;
  try {
    poll.running = exec::StepExecution::start(
        io_, options, [](std::uint64_t) {},
        [this, project_id](const exec::StepOutcome& outcome) { finish_poll(project_id, outcome); });
  } catch (const util::Error& e) {
    spdlog::warn("poll {}: cannot start git: {}", project.name, e.what());
  }
}

void RemotePoller::finish_poll(store::Id project_id, const exec::StepOutcome& outcome) {
  auto it = polls_.find(project_id);
  if (it == polls_.end()) return;
  ProjectPoll& poll = *it->second;
  poll.running.reset();
  std::string output = read_output(poll.output_path);
  std::error_code ec;
  std::filesystem::remove(poll.output_path, ec);
  if (stopped_) return;
  if (!outcome.succeeded()) {
    spdlog::warn("poll {}: git ls-remote {}: {}", poll.name, outcome.description,
                 complaint(output, poll.source_url));
    return;
  }
  try {
    auto project = store_.find_project(project_id);
    if (!project || project->poll_seconds <= 0) return;
    auto heads = scm::parse_ls_remote(output);
    auto previous = store_.polled_heads(project_id);
    if (previous && *previous == heads) {
      spdlog::debug("poll {}: no change", poll.name);
      return;
    }
    auto updates = scm::updated_heads(previous, heads, project->default_branch);
    // The runs and the heads they answer are recorded together: a crash between them
    // would either lose the runs or start them again after the restart.
    store_.transaction([&] {
      for (const auto& update : updates)
        scheduler_.enqueue(*project, {"poll", update.name, update.commit, ""});
      store_.save_polled_heads(project_id, heads);
    });
    spdlog::info("poll {}: {} heads, {} to run{}", poll.name, heads.size(), updates.size(),
                 previous ? "" : " (first poll: the default branch only)");
  } catch (const std::exception& e) {
    spdlog::error("poll {}: {}", poll.name, e.what());
  }
}

}  // namespace slipway::scheduler
