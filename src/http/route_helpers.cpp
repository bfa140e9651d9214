#include "http/route_helpers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "util/error.h"
#include "util/fd.h"
#include "util/strings.h"

namespace slipway::http {

namespace {
constexpr std::uint64_t kMaxLogChunk = 16 * 1024 * 1024;
}  // namespace

nlohmann::json parse_body(const Request& request) {
  if (request.raw.body().empty()) return nlohmann::json::object();
  auto body = nlohmann::json::parse(request.raw.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) throw HttpError{400, "the request body must be a JSON object"};
  return body;
}

std::string string_field(const nlohmann::json& body, const char* name, const std::string& fallback) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_string()) throw HttpError{400, std::string("'") + name + "' must be a string"};
  return it->get<std::string>();
}

int int_field(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return 0;
  if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 1000000000) {
    throw HttpError{400, std::string("'") + name + "' must be a positive whole number"};
  }
  return it->get<int>();
}

store::Id parse_id(const std::string& text, const char* what) {
  unsigned long long value = 0;
  if (!util::parse_uint(text, value) || value == 0 || value > (1ULL << 62)) {
    throw HttpError{400, std::string("invalid ") + what + " '" + text + "'"};
  }
  return static_cast<store::Id>(value);
}

void require_method(const Request& request, std::initializer_list<beast_http::verb> allowed) {
  for (auto method : allowed) {
    if (request.method() == method) return;
  }
  throw HttpError{405, "method " + std::string(request.raw.method_string()) + " not allowed on " + request.path};
}

Response log_chunk(const Request& request, const std::string& path, std::optional<std::uint64_t> size) {
  if (!size) {
    struct stat st {};
    size = ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  }
  unsigned long long offset = 0;
  if (auto text = request.query_value("offset"); text && !util::parse_uint(*text, offset)) {
    throw HttpError{400, "invalid offset"};
  }
  if (auto text = request.query_value("tail")) {
    unsigned long long tail = 0;
    if (!util::parse_uint(*text, tail)) throw HttpError{400, "invalid tail"};
    offset = *size > tail ? *size - tail : 0;
  }
  unsigned long long most = kMaxLogChunk;
  if (auto text = request.query_value("length"); text && (!util::parse_uint(*text, most) || most > kMaxLogChunk)) {
    throw HttpError{400, "invalid length (at most " + std::to_string(kMaxLogChunk) + " bytes)"};
  }
  std::string body;
  if (offset < *size) {
    std::uint64_t length = std::min<std::uint64_t>(*size - offset, most);
    body.resize(length);
    try {
      util::Fd fd = util::open_file(path, O_RDONLY);
      ssize_t n = ::pread(fd.get(), body.data(), length, static_cast<off_t>(offset));
      body.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    } catch (const util::Error&) {
      body.clear();
    }
  }
  auto response = text_response(200, std::move(body), "text/plain; charset=utf-8");
  response.set("X-Log-Size", std::to_string(*size));
  response.set("X-Log-Start", std::to_string(offset));
  response.set("X-Log-End", std::to_string(std::min<std::uint64_t>(*size, offset + response.body().size())));
  return response;
}

}  // namespace slipway::http
