// libFuzzer target for the GitHub webhook code, which reads request bodies and
// headers from the network: any body must give a push event or an error, never
// a crash; a parsed event must hold what the webhook handler relies on; and the
// signature check must accept exactly the real HMAC.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scm/github_webhook.h"
#include "util/crypto.h"

namespace {

constexpr std::string_view kSecret = "fuzz-secret";
constexpr std::string_view kPayload = "{\"ref\":\"refs/heads/main\"}";

bool is_commit_id(std::string_view text) {
  return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void check_push(std::string_view body) {
  auto push = slipway::scm::parse_github_push(body);
  if (!push) {
    if (push.error().empty()) __builtin_trap();
    return;
  }
  std::string_view ref = push->ref;
  if (ref.substr(0, 11) == "refs/heads/") {
    if (push->branch != ref.substr(11) || !push->tag.empty()) __builtin_trap();
  } else if (ref.substr(0, 10) == "refs/tags/") {
    if (push->tag != ref.substr(10) || !push->branch.empty()) __builtin_trap();
  } else {
    __builtin_trap();
  }
  if (!push->deleted && !is_commit_id(push->after)) __builtin_trap();
  if (push->message.find('\n') != std::string::npos) __builtin_trap();
}

void check_signature(std::string_view input) {
  using slipway::scm::verify_github_signature;
  // The input as a body: its own signature verifies, except under an empty secret.
  if (!verify_github_signature(kSecret, input, "sha256=" + slipway::util::hmac_sha256_hex(kSecret, input))) {
    __builtin_trap();
  }
  if (verify_github_signature("", input, "sha256=" + slipway::util::hmac_sha256_hex("", input)))
    __builtin_trap();
  // The input as a header: only the one right signature verifies.
  static const std::string expected = "sha256=" + slipway::util::hmac_sha256_hex(kSecret, kPayload);
  if (verify_github_signature(kSecret, kPayload, input) != (input == expected)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_push(input);
  check_signature(input);
  return 0;
}
