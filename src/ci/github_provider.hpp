#pragma once
// The `github` CI provider (RULEBOOK "CI"): GitHub's combined commit status
// API and its check-runs API for one commit, every page, the latest run per
// check name. The decoding below is pure so that unit tests can call it with
// the JSON of the API documentation; the provider adds HTTP and the deadline.

#include "ci/ci.hpp"

#include <cstdint>

namespace relgate::ci {

namespace github {

// A state of the commit status API: success, failure, error, pending.
CheckState map_status_state(std::string_view state);
// A check run's status (queued, in_progress, completed, ...) and conclusion
// (success, failure, neutral, ...; null until completed).
CheckState map_check_run(std::string_view status, std::string_view conclusion);

struct CheckRun {
  std::int64_t id = 0;
  std::string name;
  CheckState state = CheckState::pending;
  std::string started_at; // ISO 8601, empty when null
  std::string url;
};

// One page of GET /repos/{repo}/commits/{sha}/status: its `statuses`.
// Throws relgate::Error when the JSON is malformed or not of that shape.
std::vector<Check> decode_statuses(const std::string& json);
// One page of GET /repos/{repo}/commits/{sha}/check-runs: its `check_runs`.
std::vector<CheckRun> decode_check_runs(const std::string& json);
// Latest run per check name (by started_at, then id), after the statuses;
// a status context and a check run of the same name: the worse state.
std::vector<Check> merge_checks(const std::vector<Check>& statuses, const std::vector<CheckRun>& runs);

} // namespace github

class GithubProvider final : public Provider {
public:
  GithubProvider(GithubSettings settings, Requirements req, int timeout_ms);
  // Never throws, never takes longer than timeout_ms (plus a little).
  CiResult status(const repo::ObjectId& commit, const RefLookup& refs_after) const override;

private:
  GithubSettings m_settings;
  Requirements m_req;
  int m_timeout_ms;
};

} // namespace relgate::ci
