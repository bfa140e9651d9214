#include "exec/host_activation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "exec/instance_control.h"
#include "exec/instance_spec.h"
#include "util/error.h"

extern char** environ;

namespace slipway::exec {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string instances_root(const std::string& root) { return root + "/.slipway/instances"; }

// Every instance directory under ROOT (any release).
std::vector<std::string> instance_dirs(const std::string& root) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto& release : fs::directory_iterator(instances_root(root), ec)) {
    if (!release.is_directory()) continue;
    for (const auto& instance : fs::directory_iterator(release.path(), ec)) {
      if (fs::exists(spec_path(instance.path().string()))) dirs.push_back(instance.path().string());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

// The login environment sshd gave us, without what describes the ssh session itself.
std::vector<std::string> login_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    if (text.starts_with("SSH_") || text.starts_with("SLIPWAY_RUN=") || text.starts_with("SLIPWAY_STEP=")) continue;
    env.emplace_back(text);
  }
  return env;
}

std::vector<std::string> merged(std::vector<std::string> base, const std::vector<std::string>& over) {
  for (const auto& entry : over) {
    const auto key = entry.substr(0, entry.find('=') + 1);
    base.erase(std::remove_if(base.begin(), base.end(), [&](const std::string& e) { return e.starts_with(key); }),
               base.end());
    base.push_back(entry);
  }
  return base;
}

}  // namespace

std::string to_json(const HostActivation& a) {
  nlohmann::json processes = nlohmann::json::array();
  for (const auto& p : a.processes) processes.push_back({{"name", p.name}, {"command", p.command}, {"count", p.count}});
  nlohmann::json json = {{"release", a.release},       {"processes", processes}, {"port", a.port},
                         {"env", a.env},               {"masked", a.masked},
                         {"stop_grace_ms", a.stop_grace.count()}};
  return json.dump();
}

util::Expected<HostActivation> activation_from_json(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return util::unexpected("the activation file is not a JSON object");
  try {
    HostActivation a;
    a.release = json.at("release").get<std::string>();
    for (const auto& p : json.at("processes")) {
      a.processes.push_back({p.at("name").get<std::string>(), p.at("command").get<std::string>(), p.at("count").get<int>()});
    }
    a.port = json.value("port", 0);
    a.env = json.value("env", std::vector<std::string>{});
    a.masked = json.value("masked", std::vector<std::string>{});
    a.stop_grace = std::chrono::milliseconds(json.value("stop_grace_ms", 10000));
    return a;
  } catch (const nlohmann::json::exception& e) {
    return util::unexpected(std::string("the activation file is incomplete: ") + e.what());
  }
}

std::vector<std::string> activate_on_host(const std::string& self_binary, const std::string& root,
                                          const std::string& name) {
  const std::string file = root + "/.slipway/releases/" + name + ".json";
  std::ifstream in(file);
  if (!in) throw util::Error("release " + name + " was not delivered to this host: no " + file);
  std::ostringstream text;
  text << in.rdbuf();
  auto activation = activation_from_json(text.str());
  if (!activation) throw util::Error(file + ": " + activation.error());
  const std::string code = root + "/releases/" + name;
  if (!fs::is_directory(code)) throw util::Error("release " + name + " is not on this host: no " + code);

  stop_on_host(root, activation->stop_grace);
  fs::create_directories(root + "/logs");
  const auto base = login_environment();
  std::vector<std::string> started;
  for (const auto& process : activation->processes) {
    for (int index = 1; index <= process.count; ++index) {
      const std::string dir = instances_root(root) + "/" + name + "/" + process.name + "." + std::to_string(index);
      fs::create_directories(dir);
      InstanceSpec spec;
      spec.name = process.name + "." + std::to_string(index);
      spec.argv = {"/bin/sh", "-c", process.command};
      std::vector<std::string> own = activation->env;
      if (process.name == "web" && activation->port > 0) own.push_back("PORT=" + std::to_string(activation->port + index - 1));
      spec.env = merged(base, own);
      spec.cwd = code;
      spec.log_path = root + "/logs/" + process.name + ".log";
      spec.masked = activation->masked;
      spec.stop_grace = activation->stop_grace;
      write_spec(dir, spec);
      auto handle = launch_supervisor(self_binary, dir);
      started.push_back(spec.name + " started (supervisor pid " + std::to_string(handle.pid) + ")");
    }
  }
  return started;
}

void stop_on_host(const std::string& root, std::chrono::milliseconds grace) {
  const auto dirs = instance_dirs(root);
  stop_instances(dirs, grace + 5s);
  std::error_code ec;
  for (const auto& dir : dirs) fs::remove_all(dir, ec);
  for (const auto& release : fs::directory_iterator(instances_root(root), ec)) {
    fs::remove(release.path(), ec);  // only when empty
  }
}

std::vector<std::string> status_on_host(const std::string& root) {
  std::vector<std::string> lines;
  for (const auto& dir : instance_dirs(root)) {
    auto spec = read_spec(dir);
    auto state = read_state(dir);
    std::string line = (spec ? spec->name : dir) + " ";
    if (!state) {
      line += "unknown";
    } else {
      const bool alive = supervisor_alive(recorded_supervisor(dir));
      line += std::string(alive ? to_string(state->status) : "stopped") + " pid " + std::to_string(state->pid) +
              " restarts " + std::to_string(state->restarts);
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace slipway::exec
