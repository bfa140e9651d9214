// One outbound HTTP(S) POST through libcurl: no shell, no redirects followed,
// http and https only, bounded in time and abortable from another thread.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "util/expected.h"

namespace slipway::util {

struct HttpPostRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  std::chrono::milliseconds timeout{10000};  // the whole exchange
  std::chrono::milliseconds connect_timeout{5000};
};

struct HttpPostResponse {
  int status = 0;
  std::string body;  // at most the first 4 KiB
};

// The response, whatever its status; an error when no response came (DNS, connect, TLS,
// timeout, or CANCEL set while it ran).
Expected<HttpPostResponse> http_post(const HttpPostRequest& request,
                                     const std::atomic<bool>* cancel = nullptr);

}  // namespace slipway::util
