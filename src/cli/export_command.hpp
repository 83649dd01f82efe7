#pragma once
// `relgate export github-ruleset`: what github.com can enforce of the
// policy itself, as repository rulesets in the REST API's format
// (POST /repos/{owner}/{repo}/rulesets): release tags created only by the
// maintainers and never moved or deleted; main and the release branches
// never force-pushed or deleted, the relgate check required; release
// branches created only by the maintainers. Rulesets target branches and
// tags only: refs/meta/relgate, refs/freeze/* and the CI notes ref stay
// unprotected (README: On github.com and GitLab).

#include "cli/judge.hpp"
#include "policy/policy.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace relgate::cli {

struct GithubRulesetOptions {
  std::string team;                    // ORG/SLUG or SLUG: named in the apply commands
  std::optional<std::int64_t> team_id; // the bypass actor's id (gh api orgs/ORG/teams/SLUG --jq .id)
  std::string check_name = "relgate";  // the required status check (the workflow's job name)
  std::int64_t check_app_id = 15368;   // the app the check must come from (GitHub Actions); 0: any
  std::string only;                    // tags, branches or branch-creation: that ruleset alone
};

// The rulesets' JSON: an array of the three, or with `only` that one
// object. Patterns come from the policy's names (tags: the final and rc
// templates; branches: main and the release template). Without a team the
// bypass actor is the repository admin role (RepositoryRole 5); with
// `team` but no `team_id` the Team actor's id is null (the apply commands
// look it up). Throws Error on an unknown `only` or an empty check name.
std::string github_rulesets(const policy::Policy& pol, const GithubRulesetOptions& opts);

// The shell commands that apply each ruleset with `gh api` (one a line).
std::string github_ruleset_commands(const GlobalOptions& global, const GithubRulesetOptions& opts);

// Prints github_rulesets on stdout and, for the whole export, the apply
// commands on stderr. 0.
int run_export_github_ruleset(const GlobalOptions& global, const GithubRulesetOptions& opts);

} // namespace relgate::cli
