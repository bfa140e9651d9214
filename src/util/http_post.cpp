// libcurl's easy interface for one POST; the handle is owned by a unique_ptr.
#include "util/http_post.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace slipway::util {

namespace {

constexpr std::size_t kMaxBody = 4096;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t collect_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  if (body->size() < kMaxBody) body->append(data, std::min(bytes, kMaxBody - body->size()));
  return bytes;  // the rest is read and dropped
}

int check_cancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel != nullptr && cancel->load() ? 1 : 0;  // non-zero aborts the transfer
}

}  // namespace

Expected<HttpPostResponse> http_post(const HttpPostRequest& request, const std::atomic<bool>* cancel) {
  init_curl_once();
  std::unique_ptr<CURL, EasyDeleter> handle(curl_easy_init());
  if (!handle) return unexpected("cannot create a curl handle");
  CURL* curl = handle.get();
  std::unique_ptr<curl_slist, ListDeleter> headers;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
    if (appended == nullptr) return unexpected("out of memory for the request's headers");
    headers.release();
    headers.reset(appended);
  }
  // Without this curl sends "Expect: 100-continue" for bodies over 1 KiB and waits for the answer.
  curl_slist* appended = curl_slist_append(headers.get(), "Expect:");
  if (appended == nullptr) return unexpected("out of memory for the request's headers");
  headers.release();
  headers.reset(appended);

  HttpPostResponse response;
  char error[CURL_ERROR_SIZE] = {0};
  bool set =
      curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str()) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_POST, 1L) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data()) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size())) ==
          CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_USERAGENT, "slipway") == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count())) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count())) ==
          CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, check_cancel) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancel) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L) == CURLE_OK &&
      curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error) == CURLE_OK;
  if (!set) return unexpected("cannot set up the request to " + request.url);
  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    std::string why = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(code));
    if (code == CURLE_ABORTED_BY_CALLBACK) why = "cancelled (slipway is stopping)";
    return unexpected(why);
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace slipway::util
