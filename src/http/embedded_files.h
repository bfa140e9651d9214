// The dashboard's files (web/), built into the binary by cmake/embed_files.cmake
// so that the daemon serves them with no file or network beside it.
#pragma once

#include <string_view>
#include <vector>

namespace slipway::http {

struct EmbeddedFile {
  std::string_view name;  // "app.js"
  std::string_view data;
};

const std::vector<EmbeddedFile>& embedded_files();

}  // namespace slipway::http
