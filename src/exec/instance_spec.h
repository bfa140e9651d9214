// What one deployed app instance is (spec.json, written by the daemon) and how
// it is doing (state.json, written by its supervisor), both kept in the
// instance's directory so a restarted daemon can find its instances again.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "util/expected.h"

namespace slipway::exec {

struct InstanceSpec {
  std::string name;               // "web.1": shown in log lines
  std::vector<std::string> argv;  // e.g. {"/bin/sh", "-c", "gunicorn app:app --bind 127.0.0.1:$PORT"}
  std::vector<std::string> env;   // the whole environment, "KEY=VALUE"
  std::string cwd;
  std::string log_path;             // appended: "2026-11-26T10:00:00.123Z web.1 | text\n" per line
  std::vector<std::string> masked;  // secret values, shown as "****" in every log line
  std::chrono::milliseconds stop_grace{10000};  // SIGTERM -> SIGKILL of the app's group when stopping
  int max_restarts = 5;  // this many quick failures in a row make it `crashed` (not restarted again)
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30000};
  std::chrono::milliseconds stable_after{10000};  // a run this long resets the failure count
};

enum class InstanceStatus { starting, running, backoff, crashed, stopped };

const char* to_string(InstanceStatus status);
util::Expected<InstanceStatus> parse_instance_status(const std::string& text);

struct InstanceState {
  InstanceStatus status = InstanceStatus::starting;
  int pid = 0;                   // the app process; it leads its own process group
  long long pid_start_time = 0;  // util::process_start_time of pid, to spot pid reuse
  int supervisor_pid = 0;
  long long supervisor_start_time = 0;
  int restarts = 0;       // starts after the first one, over the supervisor's life
  std::string last_exit;  // "exit status 1", "killed by signal Killed"
  std::int64_t changed_at_ms = 0;
};

// File names inside an instance directory.
std::string spec_path(const std::string& instance_dir);
std::string state_path(const std::string& instance_dir);
std::string supervisor_pid_path(const std::string& instance_dir);

// Both writers replace the file atomically (temporary file + rename); the spec
// is mode 0600 because its environment may hold secrets. They throw util::Error.
void write_spec(const std::string& instance_dir, const InstanceSpec& spec);
util::Expected<InstanceSpec> read_spec(const std::string& instance_dir);
void write_state(const std::string& instance_dir, const InstanceState& state);
util::Expected<InstanceState> read_state(const std::string& instance_dir);

}  // namespace slipway::exec
