// The log of one app instance: the app's output cut into lines, each written
// as "2026-11-26T10:00:00.123Z web.1 | text" with secret values shown as
// "****", plus the supervisor's own "[slipway] ..." notes in the same format.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/fd.h"

namespace slipway::exec {

class SupervisorLog {
 public:
  // A line longer than this is written in pieces, so a process that never
  // prints a newline still shows up in the log.
  static constexpr std::size_t kMaxPendingBytes = 4096;

  // Opens PATH for appending (created if missing); throws util::Error.
  static SupervisorLog open(const std::string& path, std::string name, std::vector<std::string> masked);

  // Output from the app: complete lines are written now, the rest waits for
  // its newline (a secret split across two reads is still masked).
  void append_output(std::string_view bytes);
  // Writes what is left of an unfinished line (the app exited).
  void flush_partial();
  // A line of the supervisor's own: "[slipway] TEXT".
  void note(std::string_view text);

 private:
  SupervisorLog(util::Fd fd, std::string name, std::vector<std::string> masked);
  std::string mask(std::string_view text) const;
  void write_line(std::string_view text);  // TEXT is already masked

  util::Fd fd_;
  std::string name_;
  std::vector<std::string> masked_;  // longest first, so a secret containing another is masked whole
  std::size_t longest_secret_ = 0;
  std::string pending_;  // an unfinished line, not yet masked
  bool write_failed_ = false;
};

}  // namespace slipway::exec
