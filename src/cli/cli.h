// The `slipway` command line: global options, every subcommand (the client's and
// `serve`), and the exit status of the whole process.
#pragma once

namespace slipway::cli {

// Parses ARGV, runs the chosen command and returns the process exit status:
// 0 success, 1 failure (a failed run or deployment, an API or connection error),
// 2 bad command line, 3 run or deployment cancelled or interrupted, deployment superseded.
int run(int argc, char** argv);

}  // namespace slipway::cli
