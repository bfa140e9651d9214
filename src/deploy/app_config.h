// An app's configuration as its processes see it: environment variables,
// with secret values sealed at rest and opened only to build the
// environment (and the list of values to mask in logs).
#pragma once

#include <string>
#include <vector>

#include "store/deploy_records.h"
#include "util/secret_box.h"

namespace slipway::deploy {

struct ResolvedConfig {
  std::vector<std::string> env;      // "KEY=VALUE"
  std::vector<std::string> secrets;  // the plain values of the secret entries
};

// Opens the sealed entries of CONFIG; throws util::Error when one cannot be opened.
ResolvedConfig resolve_config(const store::ConfigVersion& config, const util::SecretBox& box);
// The value of the secret entry KEY of CONFIG, opened; an error when there is no such secret
// (a plain entry does not count: a token must not sit in the config in clear) or it cannot be opened.
util::Expected<std::string> find_secret(const store::ConfigVersion& config, const util::SecretBox& box,
                                        const std::string& key);
// Whether KEY is a usable variable name: [A-Za-z_][A-Za-z0-9_]*, not one Slipway sets.
bool valid_config_key(const std::string& key, std::string& problem);

}  // namespace slipway::deploy
