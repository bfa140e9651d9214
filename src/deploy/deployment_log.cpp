#include "deploy/deployment_log.h"

#include <fcntl.h>

#include "util/clock.h"
#include "util/error.h"
#include "util/strings.h"

namespace slipway::deploy {

DeploymentLog::DeploymentLog(const std::string& path, std::vector<std::string> secrets)
    : path_(path), secrets_(std::move(secrets)), fd_(util::open_file(path, O_WRONLY | O_CREAT | O_APPEND)) {}

void DeploymentLog::line(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  const std::string stamp = util::format_rfc3339(util::now_ms());
  std::string out;
  for (const auto& part : util::split(util::mask_secrets(text, secrets_), '\n')) out += stamp + "  " + part + "\n";
  write(out);
}

void DeploymentLog::output(std::string_view text) { write(util::mask_secrets(text, secrets_)); }

void DeploymentLog::write(const std::string& text) {
  try {
    util::write_all(fd_.get(), text.data(), text.size());
  } catch (const util::Error&) {
    // A full disk must not stop a deployment half way; the state in the store stays true.
  }
}

}  // namespace slipway::deploy
