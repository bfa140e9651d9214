// Commands for a remote host. ssh hands the remote side one string, which the
// login shell there splits again, so every argument is quoted for a POSIX
// shell here: a value from outside (a path, a release name, a command from
// slipway.yml) stays one word and is never executed as code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slipway::deploy {

// TEXT as one word for a POSIX shell: 'it'\''s'. Plain words ([A-Za-z0-9_./:=@%+-]) stay as they are.
std::string shell_quote(std::string_view text);

// ARGV quoted and joined with spaces: what `ssh HOST -- ...` should send.
std::string remote_command_line(const std::vector<std::string>& argv);

}  // namespace slipway::deploy
