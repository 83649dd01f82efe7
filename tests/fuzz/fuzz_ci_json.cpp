// Fuzz target: the GitHub (statuses, check runs) and GitLab (pipelines) JSON
// decoders, and what is made of their results.
#include "ci/github_provider.hpp"
#include "ci/gitlab_provider.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relgate::ci;
  std::string json(reinterpret_cast<const char*>(data), size);
  std::vector<Check> statuses;
  std::vector<github::CheckRun> runs;
  try {
    statuses = github::decode_statuses(json);
  } catch (const relgate::Error&) {
  }
  try {
    runs = github::decode_check_runs(json);
  } catch (const relgate::Error&) {
  }
  (void)github::merge_checks(statuses, runs);
  try {
    (void)gitlab::latest_per_ref(gitlab::decode_pipelines(json));
  } catch (const relgate::Error&) {
  }
  return 0;
}
