// Error type thrown by Slipway code, and helpers that turn failed C calls into
// errors that say what was being done.
#pragma once

#include <stdexcept>
#include <string>

namespace slipway::util {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws Error("WHAT: strerror(errno)").
[[noreturn]] void throw_errno(const std::string& what);
[[noreturn]] void throw_errno(const std::string& what, int saved_errno);

}  // namespace slipway::util
