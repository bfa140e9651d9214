#include "exec/instance_spec.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/error.h"
#include "util/fd.h"

namespace slipway::exec {

namespace {

using nlohmann::json;

constexpr InstanceStatus kStatuses[] = {InstanceStatus::starting, InstanceStatus::running,
                                        InstanceStatus::backoff, InstanceStatus::crashed,
                                        InstanceStatus::stopped};

// Writes TEXT to PATH through a temporary file beside it and a rename, so a
// reader sees the old file or the new one, never half of one.
void replace_file(const std::string& path, const std::string& text, mode_t mode) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  util::Fd fd = util::open_file(temp, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (::fchmod(fd.get(), mode) != 0) util::throw_errno("chmod " + temp);
  try {
    util::write_all(fd.get(), text.data(), text.size());
  } catch (const util::Error& e) {
    ::unlink(temp.c_str());
    throw util::Error(std::string(e.what()) + " (" + temp + ")");
  }
  fd.reset();
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    util::throw_errno("rename " + temp + " to " + path, saved);
  }
}

util::Expected<json> read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return util::unexpected("cannot open " + path);
  std::stringstream text;
  text << in.rdbuf();
  json parsed = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return util::unexpected(path + ": not a JSON object");
  return parsed;
}

std::chrono::milliseconds millis(const json& j, const char* key, std::chrono::milliseconds fallback) {
  return std::chrono::milliseconds(j.value(key, static_cast<long long>(fallback.count())));
}

}  // namespace

const char* to_string(InstanceStatus status) {
  switch (status) {
    case InstanceStatus::starting:
      return "starting";
    case InstanceStatus::running:
      return "running";
    case InstanceStatus::backoff:
      return "backoff";
    case InstanceStatus::crashed:
      return "crashed";
    case InstanceStatus::stopped:
      return "stopped";
  }
  return "unknown";
}

util::Expected<InstanceStatus> parse_instance_status(const std::string& text) {
  for (InstanceStatus status : kStatuses) {
    if (text == to_string(status)) return status;
  }
  return util::unexpected("unknown instance status '" + text + "'");
}

std::string spec_path(const std::string& instance_dir) { return instance_dir + "/spec.json"; }
std::string state_path(const std::string& instance_dir) { return instance_dir + "/state.json"; }
std::string supervisor_pid_path(const std::string& instance_dir) { return instance_dir + "/supervisor.pid"; }

void write_spec(const std::string& instance_dir, const InstanceSpec& spec) {
  json j = {{"name", spec.name},
            {"argv", spec.argv},
            {"env", spec.env},
            {"cwd", spec.cwd},
            {"log_path", spec.log_path},
            {"masked", spec.masked},
            {"stop_grace_ms", spec.stop_grace.count()},
            {"max_restarts", spec.max_restarts},
            {"backoff_initial_ms", spec.backoff_initial.count()},
            {"backoff_max_ms", spec.backoff_max.count()},
            {"stable_after_ms", spec.stable_after.count()}};
  replace_file(spec_path(instance_dir), j.dump(2) + "\n", 0600);
}

util::Expected<InstanceSpec> read_spec(const std::string& instance_dir) {
  auto j = read_json(spec_path(instance_dir));
  if (!j) return util::unexpected(j.error());
  InstanceSpec spec;
  try {
    spec.name = j->value("name", "");
    spec.argv = j->value("argv", std::vector<std::string>{});
    spec.env = j->value("env", std::vector<std::string>{});
    spec.cwd = j->value("cwd", "");
    spec.log_path = j->value("log_path", "");
    spec.masked = j->value("masked", std::vector<std::string>{});
    spec.stop_grace = millis(*j, "stop_grace_ms", spec.stop_grace);
    spec.max_restarts = j->value("max_restarts", spec.max_restarts);
    spec.backoff_initial = millis(*j, "backoff_initial_ms", spec.backoff_initial);
    spec.backoff_max = millis(*j, "backoff_max_ms", spec.backoff_max);
    spec.stable_after = millis(*j, "stable_after_ms", spec.stable_after);
  } catch (const json::exception& e) {
    return util::unexpected(spec_path(instance_dir) + ": " + e.what());
  }
  if (spec.argv.empty()) return util::unexpected(spec_path(instance_dir) + ": argv is empty");
  if (spec.log_path.empty()) return util::unexpected(spec_path(instance_dir) + ": log_path is empty");
  if (spec.name.empty()) return util::unexpected(spec_path(instance_dir) + ": name is empty");
  return spec;
}

void write_state(const std::string& instance_dir, const InstanceState& state) {
  json j = {{"status", to_string(state.status)},
            {"pid", state.pid},
            {"pid_start_time", state.pid_start_time},
            {"supervisor_pid", state.supervisor_pid},
            {"supervisor_start_time", state.supervisor_start_time},
            {"restarts", state.restarts},
            {"last_exit", state.last_exit},
            {"changed_at_ms", state.changed_at_ms}};
  replace_file(state_path(instance_dir), j.dump(2) + "\n", 0644);
}

util::Expected<InstanceState> read_state(const std::string& instance_dir) {
  auto j = read_json(state_path(instance_dir));
  if (!j) return util::unexpected(j.error());
  InstanceState state;
  try {
    auto status = parse_instance_status(j->value("status", ""));
    if (!status) return util::unexpected(state_path(instance_dir) + ": " + status.error());
    state.status = *status;
    state.pid = j->value("pid", 0);
    state.pid_start_time = j->value("pid_start_time", 0LL);
    state.supervisor_pid = j->value("supervisor_pid", 0);
    state.supervisor_start_time = j->value("supervisor_start_time", 0LL);
    state.restarts = j->value("restarts", 0);
    state.last_exit = j->value("last_exit", "");
    state.changed_at_ms = j->value("changed_at_ms", std::int64_t{0});
  } catch (const json::exception& e) {
    return util::unexpected(state_path(instance_dir) + ": " + e.what());
  }
  return state;
}

}  // namespace slipway::exec
