#pragma once
// A pull or merge request as `relgate pr` judges it: the commit its merge
// would make, and the verdict in the forms CI platforms show (GitHub
// annotations and job summary, a JUnit report for GitLab and others).
// Pure: the command (cli/pr_command.cpp) reads the platform's input, asks
// the repository for the merged commit and runs the engine.

#include "policy/engine.hpp"
#include "policy/policy.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relgate::policy {

enum class Platform { github, gitlab };

struct PullRequest {
  Platform platform = Platform::github;
  std::string title;
  std::string body;
  std::optional<std::uint64_t> number;      // GitHub's number, GitLab's iid
  std::string base;                         // the target branch, without refs/heads/
  std::optional<repo::ObjectId> base_sha;   // the base tip the event names, where it names one
  repo::ObjectId head;                      // the pull request's head commit
  // GitHub's merge queue: `head` is the commit that will land on the base
  // branch, made by GitHub, and `base_sha` the branch's tip it lands on.
  bool merge_group = false;
};

// "#21" on GitHub, "!21" on GitLab; "" without a number.
std::string reference(const PullRequest& pr);

// The subject of the squash commit the platform makes from `title`:
// GitHub adds " (#N)", GitLab adds nothing.
std::string squash_subject(const PullRequest& pr, const std::string& title);

// The message of the commit judged for a squash: the subject, then the
// `(cherry picked from commit X)` lines of the pull request's commits
// (`picks`; what a backport's commits say about where they came from), then
// `body` last, so that its trailers are the message's.
std::string squash_message(const std::string& subject, const std::vector<std::string>& picks, const std::string& body);

// The message of the merge commit (merge, rebase): as GitHub writes it
// ("Merge pull request #N ...", then the title and the body), or GitLab.
std::string merge_message(const PullRequest& pr);

// The cherry-pick lines (backport.cherry_pick) of `message`, as written.
std::vector<std::string> cherry_pick_lines(const Policy& policy, const std::string& message);

// One finding as a pull request's reader sees it: the rule, why, and what
// to do in the pull request (retitle, wait, reference, retarget).
struct PrFinding {
  RuleId rule = RuleId::F1;
  Severity severity = Severity::error;
  std::string why;
  std::vector<std::string> fix;  // each an action or a command that works from the pull request
};

// What the candidate commit was: "the squash commit \"fix: x (#21)\"".
struct PrCandidate {
  std::string what;
  Verdict verdict;
};

// The findings of the verdicts (one per candidate commit), each once, with
// fixes written for the pull request. `release` names the final tag that
// ends main's freeze ("" when main is not frozen); `eol_by` the release that
// ended the target line, if any.
std::vector<PrFinding> pr_findings(const Policy& policy, const PullRequest& pr, const std::vector<PrCandidate>& judged,
                                   const std::string& release);

// "F1 freeze-fixes-only"
std::string rule_title(RuleId rule);

// GitHub workflow commands, one line each: `::error title=...::why` and the
// fixes on the following lines of the message (%0A), properties and data
// escaped as GitHub's documentation says.
std::string github_annotations(const std::vector<PrFinding>& findings);

// The Markdown job summary: the verdict, the commit judged, and per finding
// the rule, why and the fix.
std::string markdown_summary(const PullRequest& pr, const std::vector<PrCandidate>& judged,
                             const std::vector<PrFinding>& findings);

// A JUnit XML report (GitLab shows it on the merge request: artifacts:
// reports: junit): one test case per rule that was reported, failed for
// errors; a passing test case when nothing was reported.
std::string junit_report(const PullRequest& pr, const std::vector<PrFinding>& findings);

bool refused(const std::vector<PrFinding>& findings);

} // namespace relgate::policy
