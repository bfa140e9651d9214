// libFuzzer target for the forges' webhook code (GitHub, GitLab, Gitea), which
// reads request bodies and headers from the network: any body must give a push
// event or an error from every forge's parser, never a crash; a parsed event must
// hold what the webhook handler relies on; and each credential check must accept
// exactly the real signature or token.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scm/forge_webhook.h"
#include "util/crypto.h"

namespace {

using slipway::scm::Forge;

constexpr std::string_view kSecret = "fuzz-secret";
constexpr std::string_view kPayload = "{\"ref\":\"refs/heads/main\"}";

bool is_commit_id(std::string_view text) {
  return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void check_push(Forge forge, std::string_view body) {
  auto push = slipway::scm::parse_push(forge, body);
  if (!push) {
    if (push.error().empty()) __builtin_trap();
    return;
  }
  std::string_view ref = push->ref;
  if (ref.substr(0, 11) == "refs/heads/") {
    if (push->branch != ref.substr(11) || !push->tag.empty()) __builtin_trap();
    // A branch points at a commit: the one to build is the ref's new value.
    if (!push->deleted && push->commit != push->after) __builtin_trap();
  } else if (ref.substr(0, 10) == "refs/tags/") {
    if (push->tag != ref.substr(10) || !push->branch.empty()) __builtin_trap();
  } else {
    __builtin_trap();
  }
  if (push->deleted != push->commit.empty()) __builtin_trap();
  if (!push->deleted && (!is_commit_id(push->after) || !is_commit_id(push->commit))) __builtin_trap();
  if (push->message.find('\n') != std::string::npos) __builtin_trap();
}

void check_credentials(std::string_view input) {
  using slipway::scm::verify_delivery;
  using slipway::util::hmac_sha256_hex;
  // The input as a body: its own signature verifies, except under an empty secret.
  const std::string hex = hmac_sha256_hex(kSecret, input);
  if (!verify_delivery(Forge::github, kSecret, input, "sha256=" + hex)) __builtin_trap();
  if (!verify_delivery(Forge::gitea, kSecret, input, hex)) __builtin_trap();
  const std::string empty_key_hex = hmac_sha256_hex("", input);
  if (verify_delivery(Forge::github, "", input, "sha256=" + empty_key_hex)) __builtin_trap();
  if (verify_delivery(Forge::gitea, "", input, empty_key_hex)) __builtin_trap();
  // The input as a header: only the one right signature or token verifies.
  static const std::string expected_hex = hmac_sha256_hex(kSecret, kPayload);
  if (verify_delivery(Forge::github, kSecret, kPayload, input) != (input == "sha256=" + expected_hex)) {
    __builtin_trap();
  }
  if (verify_delivery(Forge::gitea, kSecret, kPayload, input) != (input == expected_hex)) __builtin_trap();
  if (verify_delivery(Forge::gitlab, kSecret, kPayload, input) != (input == kSecret)) __builtin_trap();
  // The input as a GitLab secret: the same token verifies, unless it is empty.
  if (verify_delivery(Forge::gitlab, input, kPayload, input) == input.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (Forge forge : {Forge::github, Forge::gitlab, Forge::gitea}) check_push(forge, input);
  check_credentials(input);
  return 0;
}
