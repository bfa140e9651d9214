#include "exec/supervisor_log.h"

#include <fcntl.h>

#include <algorithm>
#include <iostream>
#include <utility>

#include "util/clock.h"
#include "util/error.h"
#include "util/strings.h"

namespace slipway::exec {

SupervisorLog SupervisorLog::open(const std::string& path, std::string name,
                                  std::vector<std::string> masked) {
  util::Fd fd = util::open_file(path, O_WRONLY | O_CREAT | O_APPEND, 0640);
  return SupervisorLog(std::move(fd), std::move(name), std::move(masked));
}

SupervisorLog::SupervisorLog(util::Fd fd, std::string name, std::vector<std::string> masked)
    : fd_(std::move(fd)), name_(std::move(name)), masked_(std::move(masked)) {
  std::erase(masked_, std::string());
  std::sort(masked_.begin(), masked_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  if (!masked_.empty()) longest_secret_ = masked_.front().size();
}

void SupervisorLog::append_output(std::string_view bytes) {
  pending_.append(bytes);
  std::size_t start = 0;
  for (auto newline = pending_.find('\n'); newline != std::string::npos;
       newline = pending_.find('\n', start)) {
    write_line(mask(std::string_view(pending_).substr(start, newline - start)));
    start = newline + 1;
  }
  pending_.erase(0, start);
  if (pending_.size() <= kMaxPendingBytes) return;
  // Write a piece of the overlong line, but keep back its last bytes: a secret
  // that begins there may end in the next read. A secret wholly inside the
  // piece is masked before the cut, so none is split by it.
  std::string masked = mask(pending_);
  std::size_t keep = longest_secret_ > 0 ? longest_secret_ - 1 : 0;
  keep = std::min(keep, masked.size());
  write_line(std::string_view(masked).substr(0, masked.size() - keep));
  pending_ = masked.substr(masked.size() - keep);
}

void SupervisorLog::flush_partial() {
  if (pending_.empty()) return;
  write_line(mask(pending_));
  pending_.clear();
}

void SupervisorLog::note(std::string_view text) { write_line(mask("[slipway] " + std::string(text))); }

std::string SupervisorLog::mask(std::string_view text) const { return util::mask_secrets(text, masked_); }

void SupervisorLog::write_line(std::string_view text) {
  std::string line = util::format_rfc3339(util::now_ms());
  line += ' ';
  line += name_;
  line += " | ";
  line += text;
  line += '\n';
  // One write per line with O_APPEND: the lines of instances sharing a log
  // file do not interleave within a line.
  try {
    util::write_all(fd_.get(), line.data(), line.size());
  } catch (const util::Error& e) {
    // A full disk must not end the supervisor (and with it the app): say so once.
    if (!write_failed_) std::cerr << "slipway supervise: log: " << e.what() << "\n";
    write_failed_ = true;
  }
}

}  // namespace slipway::exec
