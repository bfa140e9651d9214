// Move-only owner of a file descriptor.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace slipway::util {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A pipe whose ends are close-on-exec.
struct Pipe {
  Fd read;
  Fd write;
};
Pipe make_pipe();

// Opens PATH or throws an Error naming it.
Fd open_file(const std::string& path, int flags, int mode = 0644);
// The whole content of the file at PATH, or nothing when it cannot be read.
std::optional<std::string> read_file(const std::string& path);

// Writes all of DATA, retrying on EINTR and short writes; throws on failure.
void write_all(int fd, const char* data, std::size_t size);

}  // namespace slipway::util
