// Hashes, HMAC and random tokens (OpenSSL underneath).
#pragma once

#include <string>
#include <string_view>

namespace slipway::util {

std::string sha256_hex(std::string_view data);
// The SHA-256 of a file's contents, read in pieces. Throws util::Error.
std::string sha256_file_hex(const std::string& path);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Compares without an early exit, so the time taken says nothing about where
// two secrets differ.
bool constant_time_equal(std::string_view a, std::string_view b);
// N random bytes from the OS CSPRNG, hex-encoded (2N characters).
std::string random_hex(std::size_t bytes);

}  // namespace slipway::util
