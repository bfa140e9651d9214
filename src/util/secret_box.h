// Encryption of secret values kept at rest (config values marked secret): AES-256-GCM under a
// 32-byte key in a file only its owner can read.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "util/expected.h"

namespace slipway::util {

class SecretBox {
 public:
  // Loads KEY_PATH (32 random bytes). A missing file is created with mode 0600 and fresh random
  // bytes (written to a temporary file, fsynced, then linked into place, so a reader never sees a
  // partial key). A key file that is a symlink, not owned by this user, accessible to group or
  // others, or of the wrong size is refused with a message that says what to do.
  static Expected<SecretBox> open(const std::string& key_path);

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  ~SecretBox();

  // "v1:" + base64(nonce (12 bytes) | ciphertext | tag (16 bytes)), with a fresh random nonce.
  std::string seal(std::string_view plaintext) const;
  // The plaintext of a seal()ed value; an error if it was changed, is not a sealed value, or was
  // sealed under another key.
  Expected<std::string> open_sealed(std::string_view sealed) const;

 private:
  SecretBox(std::string key_path, const std::array<unsigned char, 32>& key)
      : key_path_(std::move(key_path)), key_(key) {}

  std::string key_path_;
  std::array<unsigned char, 32> key_{};
};

}  // namespace slipway::util
