// Where the client finds the daemon and its token: the --url/--token flags, else
// SLIPWAY_URL/SLIPWAY_TOKEN, else the config file ({"url": ..., "token": ...} at
// $SLIPWAY_CONFIG, $XDG_CONFIG_HOME/slipway/config.json or ~/.config/slipway/config.json),
// else http://127.0.0.1:7300 without a token.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace slipway::cli {

inline constexpr const char* kDefaultUrl = "http://127.0.0.1:7300";

// Reads an environment variable; nullptr when unset. A parameter so tests need
// not touch the real environment.
using EnvLookup = std::function<const char*(const char*)>;
EnvLookup process_env();

struct ClientSettings {
  std::string url;
  std::string token;         // empty: requests go without Authorization
  std::string token_origin;  // "--token", "SLIPWAY_TOKEN", the config file's path, or ""
};

// The config file's path; empty when neither SLIPWAY_CONFIG, XDG_CONFIG_HOME nor HOME is set.
std::filesystem::path config_file_path(const EnvLookup& env);

// Resolves each of URL and token on its own, flags first. The config file's token
// is only used when the URL in use is the config file's (or it names none), so a
// token saved for one server is never sent to another given with --url.
// Throws util::Error when the config file exists but is not valid JSON.
ClientSettings resolve_settings(const std::string& url_flag, const std::string& token_flag,
                                const EnvLookup& env);

// Writes URL and TOKEN into the config file at PATH, keeping its other keys; the
// file is replaced atomically with mode 0600 and missing directories are made with 0700.
void save_config(const std::filesystem::path& path, const std::string& url, const std::string& token);

}  // namespace slipway::cli
