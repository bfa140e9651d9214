// For the client's unit tests only: runs the `slipway` command line in-process
// (cli::run) and keeps its exit status and what it printed on stdout and stderr.
#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

namespace slipway::cli::testing {

struct CliResult {
  int status = -1;
  std::string out;
  std::string err;
};

// ARGS come after "slipway --url URL".
inline CliResult run_cli(const std::string& url, std::vector<std::string> args) {
  args.insert(args.begin(), {"slipway", "--url", url});
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  CliResult result;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  result.status = run(static_cast<int>(args.size()), argv.data());
  std::cout.flush();
  std::cerr.flush();
  result.out = ::testing::internal::GetCapturedStdout();
  result.err = ::testing::internal::GetCapturedStderr();
  return result;
}

// A text/plain log answer with the X-Log-End and X-Log-Size headers of the API.
inline std::string log_answer(const std::string& text, std::uint64_t end, std::uint64_t size) {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nX-Log-End: " + std::to_string(end) +
         "\r\nX-Log-Size: " + std::to_string(size) + "\r\nContent-Length: " + std::to_string(text.size()) +
         "\r\nConnection: close\r\n\r\n" + text;
}

// The body of a request TestHttpServer received.
inline std::string body_of(const std::string& request) {
  auto end = request.find("\r\n\r\n");
  return end == std::string::npos ? "" : request.substr(end + 4);
}

}  // namespace slipway::cli::testing
