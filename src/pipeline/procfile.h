// The Procfile (Heroku format): one `name: command` line per process type, `#` comments.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

namespace slipway::pipeline {

struct ProcessType {
  std::string name;     // `web`, `worker`, `release`, ...: [A-Za-z0-9_-]+, unique in the file
  std::string command;  // run by the shell, as on Heroku
  int line = 0;
};

// Parses TEXT. On failure the error holds one line per problem, each "FILE:LINE:COL: message".
util::Expected<std::vector<ProcessType>> parse_procfile(std::string_view text,
                                                        std::string_view file_name = "Procfile");

}  // namespace slipway::pipeline
