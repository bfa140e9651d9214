// A deployment's log (logs/deployments/ID.log): timestamped lines appended as
// the deployment goes, with every secret value of the app's configuration
// replaced by "****" before it reaches the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/fd.h"

namespace slipway::deploy {

class DeploymentLog {
 public:
  DeploymentLog(const std::string& path, std::vector<std::string> secrets);

  // Writes TEXT (one or more lines) with a time stamp before each line.
  void line(std::string_view text);
  // Writes the output of a command as it came, masked, line by line.
  void output(std::string_view text);
  const std::string& path() const { return path_; }

 private:
  void write(const std::string& text);

  std::string path_;
  std::vector<std::string> secrets_;
  util::Fd fd_;
};

}  // namespace slipway::deploy
