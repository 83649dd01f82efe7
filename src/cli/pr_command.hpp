#pragma once
// `relgate pr`: judges a pull or merge request as the update its merge would
// make, in GitHub Actions, a GitLab merge-request pipeline or any CI given
// options. Exit 0 accepted, 1 refused, 2 missing or malformed input.

#include "cli/judge.hpp"
#include "policy/pull_request.hpp"

#include <functional>
#include <optional>
#include <string>

namespace relgate::cli {

struct PrOptions {
  // Any other CI: --base, --title and --head (any revision) say it all.
  std::string base;
  std::string title;
  std::optional<std::string> body;
  std::optional<std::uint64_t> number;
  std::string head;
  std::string platform = "github"; // --platform: how the squash subject is made (github: " (#N)")
  std::string report;              // --report FILE: a JUnit XML report
  std::string remote;              // --remote: whose refs count (default relgate.remote, else origin)
  bool no_fetch = false;           // --no-fetch: the release refs were fetched already
};

// The environment, one variable at a time (nullopt: unset).
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The pull request to judge: from the options when --base, --title, --head
// or --number is given; else GitHub Actions (GITHUB_EVENT_NAME and the
// payload at GITHUB_EVENT_PATH, read by `read_file`); else a GitLab
// merge-request pipeline (CI_MERGE_REQUEST_IID ...). `head` is left as
// given with options (any revision; the caller resolves it). Throws Error
// with one line when input is missing or malformed.
policy::PullRequest pull_request_from(const PrOptions& opts, const EnvLookup& env,
                                      const std::function<std::string(const std::string& path)>& read_file);

// GitHub's event payload of `event_name` (pull_request, pull_request_target
// or merge_group). Throws Error when it is not one.
policy::PullRequest from_github_event(const std::string& event_name, const std::string& payload);

int run_pr(const GlobalOptions& global, const PrOptions& opts);

} // namespace relgate::cli
