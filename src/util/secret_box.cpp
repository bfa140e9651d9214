// SecretBox: the key file (creation, checks) and AES-256-GCM through OpenSSL's EVP interface.
#include "util/secret_box.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "util/crypto.h"
#include "util/error.h"
#include "util/fd.h"

namespace slipway::util {

namespace {

constexpr std::size_t key_size = 32;
constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;
constexpr std::string_view version_prefix = "v1:";

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() {
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!context) throw Error("EVP_CIPHER_CTX_new failed");
  return context;
}

const char base64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(const unsigned char* data, std::size_t size) {
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  for (std::size_t i = 0; i < size; i += 3) {
    unsigned value = data[i] << 16;
    if (i + 1 < size) value |= data[i + 1] << 8;
    if (i + 2 < size) value |= data[i + 2];
    out += base64_digits[(value >> 18) & 63];
    out += base64_digits[(value >> 12) & 63];
    out += i + 1 < size ? base64_digits[(value >> 6) & 63] : '=';
    out += i + 2 < size ? base64_digits[value & 63] : '=';
  }
  return out;
}

// Strict: padded, no whitespace, no stray characters.
bool base64_decode(std::string_view text, std::string& out) {
  if (text.size() % 4 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < text.size(); i += 4) {
    unsigned value = 0;
    int padding = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      unsigned digit = 0;
      const char* found = c == '\0' ? nullptr : std::strchr(base64_digits, c);
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++padding;
      } else if (found == nullptr || padding > 0) {  // a stray character, or a digit after '='
        return false;
      } else {
        digit = static_cast<unsigned>(found - base64_digits);
      }
      value = (value << 6) | digit;
    }
    out += static_cast<char>((value >> 16) & 0xff);
    if (padding < 2) out += static_cast<char>((value >> 8) & 0xff);
    if (padding < 1) out += static_cast<char>(value & 0xff);
  }
  return true;
}

std::string errno_text() { return std::strerror(errno); }

// Writes a fresh key to a temporary file and links it to KEY_PATH; EEXIST means someone else won.
Expected<bool> create_key_file(const std::string& key_path) {
  unsigned char key[key_size];
  if (RAND_bytes(key, sizeof(key)) != 1) return unexpected("cannot make a secret key: RAND_bytes failed");
  std::string temporary = key_path + ".tmp-" + random_hex(6);
  Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return unexpected("cannot create " + temporary + ": " + errno_text());
  std::string problem;
  try {
    if (::fchmod(fd.get(), 0600) != 0) throw_errno("chmod 600 " + temporary);
    write_all(fd.get(), reinterpret_cast<const char*>(key), sizeof(key));
    if (::fsync(fd.get()) != 0) throw_errno("fsync " + temporary);
    if (::link(temporary.c_str(), key_path.c_str()) != 0 && errno != EEXIST) throw_errno("link " + key_path);
  } catch (const Error& error) {
    problem = error.what();
  }
  OPENSSL_cleanse(key, sizeof(key));
  ::unlink(temporary.c_str());
  if (!problem.empty()) return unexpected("cannot create the secret key: " + problem);
  std::string parent = std::filesystem::path(key_path).parent_path().string();
  // Without this a crash could lose the new name, and secrets sealed meanwhile with it.
  Fd dir(::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid() || ::fsync(dir.get()) != 0) {
    return unexpected("cannot fsync the directory of the new secret key " + key_path + ": " + errno_text());
  }
  return true;
}

}  // namespace

Expected<SecretBox> SecretBox::open(const std::string& key_path) {
  Fd fd(::open(key_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid() && errno == ENOENT) {
    auto created = create_key_file(key_path);
    if (!created) return unexpected(created.error());
    fd = Fd(::open(key_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  }
  if (!fd.valid()) {
    if (errno == ELOOP)
      return unexpected("secret key " + key_path + " is a symbolic link; it must be a plain file");
    return unexpected("cannot open secret key " + key_path + ": " + errno_text());
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    return unexpected("cannot stat secret key " + key_path + ": " + errno_text());
  if (!S_ISREG(info.st_mode)) return unexpected("secret key " + key_path + " is not a regular file");
  if (info.st_uid != ::geteuid()) {
    return unexpected("secret key " + key_path + " belongs to uid " + std::to_string(info.st_uid) +
                      ", not to the user Slipway runs as (uid " + std::to_string(::geteuid()) + ")");
  }
  if ((info.st_mode & 077) != 0) {
    std::string mode = "0000";
    for (std::size_t i = 0; i < mode.size(); ++i)
      mode[3 - i] = static_cast<char>('0' + ((info.st_mode >> (3 * i)) & 7));
    return unexpected("secret key " + key_path + " is accessible to group or others (mode " + mode +
                      "); run: chmod 600 " + key_path);
  }
  if (info.st_size != static_cast<off_t>(key_size)) {
    return unexpected("secret key " + key_path + " holds " + std::to_string(info.st_size) +
                      " bytes, not 32; if it is damaged, the secrets sealed with it are lost: move it "
                      "away, and set them again after a new key is made");
  }
  std::array<unsigned char, key_size> key{};
  std::size_t done = 0;
  while (done < key.size()) {
    ssize_t n = ::read(fd.get(), key.data() + done, key.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return unexpected("cannot read secret key " + key_path + ": " + (n < 0 ? errno_text() : "short file"));
    done += static_cast<std::size_t>(n);
  }
  SecretBox box(key_path, key);
  OPENSSL_cleanse(key.data(), key.size());
  return box;
}

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string SecretBox::seal(std::string_view plaintext) const {
  std::string sealed(nonce_size + plaintext.size() + tag_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  if (RAND_bytes(out, nonce_size) != 1) throw Error("RAND_bytes failed");
  CipherContext context = new_context();
  int length = 0;
  if (EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key_.data(), out) != 1 ||
      EVP_EncryptUpdate(context.get(), out + nonce_size, &length,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), out + nonce_size + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, tag_size,
                          out + nonce_size + plaintext.size()) != 1) {
    throw Error("AES-256-GCM encryption failed");
  }
  return std::string(version_prefix) + base64_encode(out, sealed.size());
}

Expected<std::string> SecretBox::open_sealed(std::string_view sealed) const {
  if (!sealed.starts_with(version_prefix))
    return unexpected("not a sealed secret (it should start with 'v1:')");
  std::string bytes;
  if (!base64_decode(sealed.substr(version_prefix.size()), bytes)) {
    return unexpected("sealed secret is damaged: not valid base64");
  }
  if (bytes.size() < nonce_size + tag_size) return unexpected("sealed secret is damaged: too short");
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t cipher_size = bytes.size() - nonce_size - tag_size;
  std::string plaintext(cipher_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  CipherContext context = new_context();
  int length = 0;
  // The tag is an input here; OpenSSL's ctrl takes a non-const pointer.
  std::string tag(bytes.substr(nonce_size + cipher_size));
  if (EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key_.data(), in) != 1 ||
      EVP_DecryptUpdate(context.get(), out, &length, in + nonce_size, static_cast<int>(cipher_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, tag_size, tag.data()) != 1) {
    return unexpected("AES-256-GCM decryption failed");
  }
  if (EVP_DecryptFinal_ex(context.get(), out + length, &length) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return unexpected("sealed secret cannot be opened: it was changed, or sealed with a key other than " +
                      key_path_);
  }
  return plaintext;
}

}  // namespace slipway::util
