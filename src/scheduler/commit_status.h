// Commit statuses for a forge (`status:` in slipway.yml): the state each forge
// expects for a run's phase, and the request (URL, headers, JSON body) that
// reports it. Pure functions; the outbox stores the request and the delivery
// worker sends it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "pipeline/outbound_settings.h"
#include "store/delivery_records.h"
#include "store/records.h"

namespace slipway::scheduler {

// What a commit status reports of a run. Cancelled also stands for interrupted (a stop of slipway).
enum class RunPhase { started, succeeded, failed, cancelled };

// The phase a run in STATUS reports; nullopt for queued and skipped (no status is sent).
std::optional<RunPhase> run_phase(store::RunStatus status);

// GitHub and Gitea/Forgejo: pending, success, failure, error (cancelled).
// GitLab: running, success, failed, canceled.
std::string_view forge_state(pipeline::Forge forge, RunPhase phase);

// The status API's URL for COMMIT (GitLab's project path URL-encoded).
std::string status_url(const pipeline::CommitStatusSettings& settings, const std::string& commit);

// The header that carries a token for SCHEME (bearer | token | private-token), with TOKEN in it.
std::pair<std::string, std::string> auth_header(std::string_view scheme, const std::string& token);
std::string_view auth_scheme(pipeline::Forge forge);

// "Run 12 passed", "Run 12 failed: failed: test", ... at most 140 bytes (GitHub's limit).
std::string status_description(const store::Run& run, RunPhase phase);

// The outbox row for RUN's status in PHASE, linking to BASE_URL/#/runs/ID. Its token is named by
// the settings (auth_secret) and looked up only when it is sent.
store::Delivery commit_status_delivery(const pipeline::CommitStatusSettings& settings, const store::Run& run,
                                       RunPhase phase, const std::string& base_url);

// For a run whose last status was LAST (still `pending`/`running` on the forge) and that a crash of
// slipway interrupted: the same request saying it was cancelled. Nullopt when LAST is not one.
std::optional<store::Delivery> interrupted_status(const store::Delivery& last);

}  // namespace slipway::scheduler
