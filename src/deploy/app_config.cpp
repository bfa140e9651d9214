#include "deploy/app_config.h"

#include <cctype>

#include "util/error.h"

namespace slipway::deploy {

ResolvedConfig resolve_config(const store::ConfigVersion& config, const util::SecretBox& box) {
  ResolvedConfig out;
  for (const auto& entry : config.entries) {
    std::string value = entry.value;
    if (entry.secret) {
      auto opened = box.open_sealed(entry.value);
      if (!opened) throw util::Error("config " + entry.key + ": " + opened.error());
      value = *opened;
      if (!value.empty()) out.secrets.push_back(value);
    }
    out.env.push_back(entry.key + "=" + value);
  }
  return out;
}

util::Expected<std::string> find_secret(const store::ConfigVersion& config, const util::SecretBox& box,
                                        const std::string& key) {
  for (const auto& entry : config.entries) {
    if (entry.key != key) continue;
    if (!entry.secret) return util::unexpected("config " + key + " is not a secret (set it with --secret)");
    auto opened = box.open_sealed(entry.value);
    if (!opened) return util::unexpected("config " + key + ": " + opened.error());
    return std::move(*opened);
  }
  return util::unexpected("the app has no secret " + key + " (slipway config set APP " + key + "=... --secret)");
}

bool valid_config_key(const std::string& key, std::string& problem) {
  bool ok = !key.empty() && key.size() <= 128 && (std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_');
  for (char c : key) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!ok) {
    problem = "invalid config key '" + key + "': use letters, digits and '_', not starting with a digit";
    return false;
  }
  if (key == "PORT" || key.rfind("SLIPWAY_", 0) == 0) {
    problem = "config key '" + key + "' is set by slipway itself";
    return false;
  }
  return true;
}

}  // namespace slipway::deploy
