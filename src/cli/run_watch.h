// Watching a run until it ends, the way the command line asked: the live view
// (`-f`), a quiet wait that prints one summary line (`--wait`), or with --json the
// events as JSON lines / the finished run. Returns the exit status the run's result maps to.
#pragma once

#include <cstdint>
#include <optional>

namespace slipway::cli {

class CommandContext;

enum class WatchMode { follow, wait };

int watch_run(CommandContext& context, std::int64_t run_id, WatchMode mode,
              std::optional<int> only_step = std::nullopt);

}  // namespace slipway::cli
