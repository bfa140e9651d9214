// Resolution of the daemon URL and token, and the client's config file.
#include "cli/client_config.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/error.h"

namespace slipway::cli {

namespace {

std::string env_value(const EnvLookup& env, const char* name) {
  const char* value = env(name);
  return value == nullptr ? std::string() : std::string(value);
}

// The config file's contents; an empty object when there is no file.
nlohmann::json read_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return nlohmann::json::object();
  std::stringstream text;
  text << in.rdbuf();
  try {
    nlohmann::json config = nlohmann::json::parse(text.str());
    if (!config.is_object()) throw util::Error("not a JSON object");
    return config;
  } catch (const std::exception& e) {
    throw util::Error(fmt::format("bad config file {}: {}", path.string(), e.what()));
  }
}

std::string string_field(const nlohmann::json& config, const char* key) {
  auto it = config.find(key);
  return it != config.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "http://127.0.0.1:7300/" and "http://127.0.0.1:7300" are the same server.
std::string normalised(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

// Like mkdir -p, but what it makes is 0700: the directory holds a token. Existing
// directories are the user's and are left as they are.
void make_private_directories(const std::filesystem::path& dir) {
  std::filesystem::path current;
  for (const auto& part : dir) {
    current /= part;
    if (::mkdir(current.c_str(), 0700) != 0 && errno != EEXIST) {
      util::throw_errno("cannot create " + current.string());
    }
  }
}

}  // namespace

EnvLookup process_env() {
  return [](const char* name) { return std::getenv(name); };
}

std::filesystem::path config_file_path(const EnvLookup& env) {
  if (std::string explicit_path = env_value(env, "SLIPWAY_CONFIG"); !explicit_path.empty()) {
    return explicit_path;
  }
  if (std::string xdg = env_value(env, "XDG_CONFIG_HOME"); !xdg.empty()) {
    return std::filesystem::path(xdg) / "slipway" / "config.json";
  }
  if (std::string home = env_value(env, "HOME"); !home.empty()) {
    return std::filesystem::path(home) / ".config" / "slipway" / "config.json";
  }
  return {};
}

ClientSettings resolve_settings(const std::string& url_flag, const std::string& token_flag,
                                const EnvLookup& env) {
  std::filesystem::path path = config_file_path(env);
  nlohmann::json config = path.empty() ? nlohmann::json::object() : read_config(path);
  std::string config_url = string_field(config, "url");

  ClientSettings settings;
  if (!url_flag.empty()) {
    settings.url = url_flag;
  } else if (std::string from_env = env_value(env, "SLIPWAY_URL"); !from_env.empty()) {
    settings.url = from_env;
  } else if (!config_url.empty()) {
    settings.url = config_url;
  } else {
    settings.url = kDefaultUrl;
  }

  if (!token_flag.empty()) {
    settings.token = token_flag;
    settings.token_origin = "--token";
  } else if (std::string from_env = env_value(env, "SLIPWAY_TOKEN"); !from_env.empty()) {
    settings.token = from_env;
    settings.token_origin = "SLIPWAY_TOKEN";
  } else if (std::string saved = string_field(config, "token"); !saved.empty()) {
    bool same_server = config_url.empty() || normalised(config_url) == normalised(settings.url);
    if (same_server) {
      settings.token = saved;
      settings.token_origin = path.string();
    }
  }
  return settings;
}

void save_config(const std::filesystem::path& path, const std::string& url, const std::string& token) {
  if (path.empty()) throw util::Error("no config file location: set SLIPWAY_CONFIG or HOME");
  nlohmann::json config = read_config(path);
  config["url"] = url;
  config["token"] = token;
  std::string text = config.dump(2) + "\n";

  if (path.has_parent_path()) make_private_directories(path.parent_path());

  // Written beside the target and renamed over it, so a crash leaves the old file
  // or the new one, and the token is never readable by others, even briefly.
  std::string temp = path.string() + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) util::throw_errno("cannot write " + temp);
  if (::fchmod(fd, 0600) != 0) {
    int saved = errno;
    ::close(fd);
    util::throw_errno("cannot chmod " + temp, saved);
  }
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      util::throw_errno("cannot write " + temp, saved);
    }
    written += static_cast<std::size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  int saved = errno;
  if (::close(fd) != 0 && synced) {
    synced = false;
    saved = errno;
  }
  if (!synced) {
    ::unlink(temp.c_str());
    util::throw_errno("cannot write " + temp, saved);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    util::throw_errno("cannot replace " + path.string(), saved);
  }
}

}  // namespace slipway::cli
