// A value or the message saying why there is none: the return type of factories
// and parsers whose failure is an ordinary outcome (bad input), not a bug.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace slipway::util {

struct Unexpected {
  std::string message;
};

inline Unexpected unexpected(std::string message) { return Unexpected{std::move(message)}; }

template <typename T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Expected(Unexpected error) : state_(std::move(error)) {}   // NOLINT(google-explicit-constructor)

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const std::string& error() const { return std::get<1>(state_).message; }

 private:
  std::variant<T, Unexpected> state_;
};

// Success with no value, or the message saying why not.
template <>
class Expected<void> {
 public:
  Expected() = default;
  // NOLINTNEXTLINE(google-explicit-constructor)
  Expected(Unexpected error) : error_(std::move(error.message)), failed_(true) {}

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
  bool failed_ = false;
};

}  // namespace slipway::util
