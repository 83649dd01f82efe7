#pragma once
// The `gitlab` CI provider (RULEBOOK "CI"): the pipelines of a commit
// (GET /projects/{id}/pipelines?sha=...), the latest pipeline per ref. Each
// ref's latest pipeline is one check named after the ref. Decoding is pure
// for unit tests; the provider adds HTTP and the deadline.

#include "ci/ci.hpp"

#include <cstdint>

namespace relgate::ci {

namespace gitlab {

struct Pipeline {
  std::int64_t id = 0;
  std::string ref;
  std::string status;
  std::string web_url;
};

// success -> success; running, pending, created, waiting_for_resource,
// preparing, scheduled -> pending; failed -> failure; canceled, canceling ->
// cancelled; skipped, manual -> skipped (green only with skipped_is_green);
// anything else -> failure (not green).
CheckState map_pipeline_status(std::string_view status);
// One page of the pipelines list. Throws relgate::Error when malformed.
std::vector<Pipeline> decode_pipelines(const std::string& json);
// The pipeline with the highest id per ref, as checks named after the ref.
std::vector<Check> latest_per_ref(const std::vector<Pipeline>& pipelines);
// The project as it goes into the URL: an id as is, a path percent-encoded.
std::string project_segment(const std::string& project);

} // namespace gitlab

class GitlabProvider final : public Provider {
public:
  GitlabProvider(GitlabSettings settings, Requirements req, int timeout_ms);
  CiResult status(const repo::ObjectId& commit, const RefLookup& refs_after) const override;

private:
  GitlabSettings m_settings;
  Requirements m_req;
  int m_timeout_ms;
};

} // namespace relgate::ci
