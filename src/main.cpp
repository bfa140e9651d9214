// The slipway binary: the daemon (`slipway serve`) and its command-line client.
#include "cli/cli.h"

int main(int argc, char** argv) { return slipway::cli::run(argc, argv); }
