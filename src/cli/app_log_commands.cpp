// The app logs command: GET /apps/APP/logs (the processes), then per process
// ?process=P&tail=BYTES for the tail and ?process=P&offset=N (from X-Log-End) to follow.
#include "cli/app_log_commands.h"

#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/app_paths.h"
#include "cli/command_context.h"
#include "cli/exit_status.h"
#include "cli/json_fields.h"
#include "cli/log_merge.h"
#include "util/error.h"

namespace slipway::cli {

namespace {

using namespace std::chrono_literals;

constexpr auto kPollInterval = 500ms;
// How often a follow without --process looks for processes that started meanwhile.
constexpr int kPollsPerProcessListing = 10;
// Enough bytes for the default 100 lines; more when more lines are asked for.
constexpr std::uint64_t kTailBytes = 65536;
constexpr std::uint64_t kTailBytesPerLine = 512;

struct AppLogOptions {
  std::string app;
  std::string process;
  int lines = 100;
  bool follow = false;
};

struct ProcessLog {
  std::string process;
  std::uint64_t offset = 0;
  LineBuffer buffer;
};

volatile std::sig_atomic_t interrupted = 0;

extern "C" void note_interrupt(int) { interrupted = 1; }

// Ctrl-C ends a follow normally (exit 0) instead of killing the process mid-line.
class InterruptCatcher {
 public:
  InterruptCatcher() {
    interrupted = 0;
    struct sigaction action {};
    action.sa_handler = note_interrupt;
    sigemptyset(&action.sa_mask);
    if (::sigaction(SIGINT, &action, &previous_) != 0) util::throw_errno("sigaction(SIGINT)");
  }
  ~InterruptCatcher() { ::sigaction(SIGINT, &previous_, nullptr); }
  InterruptCatcher(const InterruptCatcher&) = delete;
  InterruptCatcher& operator=(const InterruptCatcher&) = delete;

  bool caught() const { return interrupted != 0; }
  // Sleeps DURATION, or less when Ctrl-C comes first.
  void sleep(std::chrono::milliseconds duration) const {
    for (auto slept = 0ms; slept < duration && !caught(); slept += 50ms) std::this_thread::sleep_for(50ms);
  }

 private:
  struct sigaction previous_ {};
};

std::vector<std::string> process_names(const ApiClient& client, const AppLogOptions& options) {
  if (!options.process.empty()) return {options.process};
  return texts_of(client.get(app_path(options.app, "/logs")).body, "processes");
}

void add_new_processes(std::vector<ProcessLog>& logs, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    bool known = std::any_of(logs.begin(), logs.end(), [&name](const ProcessLog& log) { return log.process == name; });
    if (!known) logs.push_back(ProcessLog{name, 0, {}});
  }
}

void print_lines(CommandContext& context, const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    if (context.json()) {
      std::cout << nlohmann::json(line).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      std::cout << line << "\n";
    }
  }
  std::cout << std::flush;
}

// The last OPTIONS.lines lines of every process, merged; each log's offset is left at its end.
std::vector<std::string> read_tails(const ApiClient& client, const AppLogOptions& options,
                                    std::vector<ProcessLog>& logs) {
  std::uint64_t tail = std::max(kTailBytes, static_cast<std::uint64_t>(options.lines) * kTailBytesPerLine);
  auto wanted = static_cast<std::size_t>(options.lines);
  std::vector<std::vector<std::string>> tails;
  for (ProcessLog& log : logs) {
    LogChunk chunk =
        client.get_log(app_path(options.app, "/logs"), {{"process", log.process}, {"tail", std::to_string(tail)}});
    std::string_view text = chunk.text;
    if (chunk.start() > 0) text = without_first_line(text);  // the tail began mid-line
    // A follow prints an unfinished last line once it is finished.
    std::vector<std::string> lines = options.follow ? log.buffer.feed(text) : split_lines(text);
    tails.push_back(last_lines(std::move(lines), wanted));
    log.offset = chunk.end;
  }
  return last_lines(merge_by_timestamp(tails), wanted);
}

// The lines added to each log since the last look, merged.
std::vector<std::string> read_new_lines(const ApiClient& client, const AppLogOptions& options,
                                        std::vector<ProcessLog>& logs) {
  std::vector<std::vector<std::string>> fresh;
  for (ProcessLog& log : logs) {
    std::string path = app_path(options.app, "/logs");
    LogChunk chunk = client.get_log(path, {{"process", log.process}, {"offset", std::to_string(log.offset)}});
    if (chunk.size < log.offset) {  // the log was truncated or replaced: start over
      log.offset = 0;
      log.buffer.reset();
      chunk = client.get_log(path, {{"process", log.process}, {"offset", "0"}});
    }
    fresh.push_back(log.buffer.feed(chunk.text));
    log.offset = std::max(log.offset, chunk.end);
  }
  return merge_by_timestamp(fresh);
}

int show_app_logs(CommandContext& context, const AppLogOptions& options) {
  const ApiClient& client = context.client();
  std::vector<ProcessLog> logs;
  add_new_processes(logs, process_names(client, options));
  if (logs.empty() && !options.follow) {
    std::cerr << fmt::format("slipway: {} has no process logs yet; deploy it with: slipway deploy {}\n",
                             options.app, options.app);
    return kExitSuccess;
  }
  std::vector<std::string> tail = read_tails(client, options, logs);
  if (context.json() && !options.follow) {
    context.print_json({{"app", options.app}, {"lines", tail}});
    return kExitSuccess;
  }
  print_lines(context, tail);
  if (!options.follow) return kExitSuccess;

  InterruptCatcher interrupt;
  for (int poll = 1; !interrupt.caught(); ++poll) {
    interrupt.sleep(kPollInterval);
    if (interrupt.caught()) break;
    if (options.process.empty() && poll % kPollsPerProcessListing == 0) {
      add_new_processes(logs, process_names(client, options));
    }
    print_lines(context, read_new_lines(client, options, logs));
  }
  return kExitSuccess;
}

}  // namespace

void add_app_log_command(CLI::App& app_command, CommandSet& commands) {
  auto options = std::make_shared<AppLogOptions>();
  CLI::App* logs = app_command.add_subcommand("logs", "Show an app's process logs, merged in time order");
  logs->add_option("APP", options->app, "App (project) name")->required();
  logs->add_option("--process,-p", options->process, "Only this process's log (web, worker...)");
  logs->add_option("-n,--lines", options->lines, "How many lines of the end to show first (default 100)")
      ->check(CLI::Range(0, 100000));
  logs->add_flag("-f,--follow", options->follow, "Keep showing new lines until Ctrl-C (then exit 0)");
  logs->footer(
      "With --json: {\"app\", \"lines\": [...]}, or with -f one JSON string per line.\n"
      "The log of a run's steps is `slipway logs RUN`.");
  commands.add(logs, [options](CommandContext& context) { return show_app_logs(context, *options); });
}

}  // namespace slipway::cli
