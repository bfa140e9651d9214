// The setup of a run, before any step: read and validate slipway.yml at the
// commit, apply the branch filters, and check the commit out into the run's
// workspace. Everything it does is written to the setup step's log.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pipeline/pipeline_file.h"
#include "scm/git_repository.h"
#include "store/records.h"

namespace slipway::scheduler {

constexpr const char* kPipelineFileName = "slipway.yml";

struct PreparedRun {
  enum class Outcome { ready, skipped, failed };
  Outcome outcome = Outcome::failed;
  std::string reason;                 // one line, for skipped and failed
  pipeline::PipelineFile pipeline;
  std::vector<bool> selected;         // per pipeline step: its branch filter matches
};

using LogWriter = std::function<void(const std::string& text)>;

// Never throws for bad input (missing/invalid file, unknown commit): those
// come back as Outcome::failed with the reason also written to LOG.
PreparedRun prepare_run(const scm::GitRepository& repo, const store::Run& run, const std::string& workspace,
                        const LogWriter& log);

}  // namespace slipway::scheduler
