// What every REST handler needs: the JSON body and its fields, ids from the
// path, the allowed methods, and pages of a log file for the log-paging clients.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "http/request.h"
#include "store/records.h"

namespace slipway::http {

// The body as a JSON object ({} when empty); 400 otherwise.
nlohmann::json parse_body(const Request& request);
// BODY[NAME] as a string (FALLBACK when absent or null); 400 when it is not a string.
std::string string_field(const nlohmann::json& body, const char* name, const std::string& fallback = {});
// BODY[NAME] as a whole number >= 0 (0 when absent or null); 400 otherwise.
int int_field(const nlohmann::json& body, const char* name);
// A positive id from the path; 400 naming WHAT otherwise.
store::Id parse_id(const std::string& text, const char* what);
// 405 unless the request's method is one of ALLOWED.
void require_method(const Request& request, std::initializer_list<beast_http::verb> allowed);

// Bytes of the log at PATH from query `offset` (or its last `tail` bytes), at
// most `length` bytes and 16 MiB, with headers X-Log-Size (SIZE, or the file's size when not
// given: a running step's log may hold bytes not counted yet), X-Log-Start and
// X-Log-End (ask again from there).
Response log_chunk(const Request& request, const std::string& path, std::optional<std::uint64_t> size = {});

}  // namespace slipway::http
