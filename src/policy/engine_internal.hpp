#pragma once
// Shared by the rule files (tag_rules.cpp, branch_rules.cpp): what a rule
// sees while the engine judges one push.

#include "policy/engine.hpp"

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace relgate::policy::detail {

// What main holds since a line's final release: the commits a backport to
// that line can come from, indexed by pull-request number. One lazy walk of
// main per line and push, newest first, taken only as far as the questions
// of the push need (Judgement::advance).
struct MainIndex {
  std::optional<repo::ObjectId> tip;               // main after the push
  std::unique_ptr<repo::CommitWalk> walk;          // null once exhausted
  std::vector<repo::ObjectId> commits;             // newest first, as far as walked
  std::unordered_map<std::string, repo::ObjectId> by_pr; // "473" -> the main commit ending in (#473)
  std::unordered_map<repo::ObjectId, std::vector<std::string>> paths; // filled as needed
  // Main's first-parent chain since the final release, newest first, when
  // the repository lists it cheaply (commit-graph); for the binary search of
  // Judgement::find_pr. Listed as far as the search needed (all of it when
  // chain_complete); empty once tried and unavailable.
  std::optional<repo::ObjectId> since;
  bool chain_tried = false;
  bool chain_complete = false;
  std::vector<repo::ObjectId> chain;
  std::unordered_map<std::size_t, std::optional<std::uint64_t>> chain_pr; // position -> its (#N), as read
};

class Judgement {
public:
  Judgement(const repo::Repository& repo, const Policy& policy, const ci::Provider& ci, const Request& request);

  const repo::Repository& repo;
  const Policy& policy;
  const ci::Provider& ci;
  const Request& request;
  RefMap after;
  ReleaseState before_state;
  ReleaseState after_state;
  Verdict verdict;

  // Records a violation unless the rule is off; the severity is the policy's.
  // It lists `commit` when that names a commit.
  void add(RuleId rule, const RefUpdate& update, std::string why, std::vector<std::string> hints = {},
           std::optional<repo::ObjectId> commit = std::nullopt);
  // The same, listing `commits`.
  void add(RuleId rule, const RefUpdate& update, std::string why, std::vector<std::string> hints,
           std::vector<CommitRef> commits);
  bool enabled(RuleId rule) const { return policy.severity_of(rule) != Severity::off; }
  // The same as a warning whatever the rule's severity (a rule's advice,
  // such as T7's "not the branch's head"), unless the rule is off.
  void warn(RuleId rule, const RefUpdate& update, std::string why, std::vector<std::string> hints = {});

  // Who pushes, for messages: "\"alice\"", or "nobody (an unauthenticated push)".
  std::string pusher_text() const;
  // May the pusher do what maintainers do (everyone when access.maintainers
  // is empty)? Where only the server knows who pushes (Request::
  // pusher_unknown_here), yes, with a note saying the server decides.
  bool pusher_is_maintainer();
  // May the pusher write CI results (A3)? The same, for access.ci_writers.
  bool pusher_is_ci_writer();
  // pusher_is_maintainer without the note, for questions asked of every
  // push (may a trailer grant a freeze exception?): the caller notes it
  // when the answer mattered.
  bool pusher_may_be_maintainer() const {
    return policy.access.maintainers.empty() || request.pusher_unknown_here || policy.access.is_maintainer(request.pusher);
  }

  // The commit an object peels to (cached); nullopt for non-commits.
  std::optional<repo::ObjectId> peel(const repo::ObjectId& id);
  bool is_ancestor(const repo::ObjectId& ancestor, const repo::ObjectId& descendant);
  std::optional<repo::ObjectId> after_ref(const std::string& ref) const;
  std::string main_ref() const { return policy.main_ref(); }
  std::string main_name() const { return policy.main_branch; }
  // "origin/main" for hint commands.
  std::string remote_branch(const std::string& branch) const { return request.remote + "/" + branch; }
  std::string release_branch_name(Line l) const { return policy.release_branch.render({l.major, l.minor, 0, {}}); }
  std::string final_name(Line l, std::uint64_t patch = 0) const {
    return policy.final_tag.render({l.major, l.minor, patch, {}});
  }
  std::string rc_name(Line l, std::uint64_t n) const { return policy.rc_tag.render({l.major, l.minor, 0, n}); }
  std::string push_cmd(const std::string& what) const { return "  git push " + request.remote + " " + what; }
  // The commits an update brings to its ref: reachable from the new value and
  // from none of `hide` (rules pass the old value, or a line's final commit),
  // parents first; cached per ref and set of hidden commits.
  const std::vector<repo::ObjectId>& new_commits(const RefUpdate& u, const std::vector<repo::ObjectId>& hide);
  // Whether `c`, one of an update's new commits (`commits`, as new_commits
  // returned them: their address keys a cache), is judged on its own by F1,
  // B4 and B5 (rule book F1, B4): every commit but a merge that brings at
  // least one of `commits` and whose tree is the clean merge of its parents.
  // Such a merge adds nothing beyond its commits, which are judged; a merge
  // that brings no commit of its own, or whose tree differs (an evil merge),
  // or that has no clean merge, is judged like a commit.
  bool judged_itself(const repo::Commit& c, const std::vector<repo::ObjectId>& commits);
  // Main since `since` (a line's final commit; nullopt: all of main).
  MainIndex& main_index(const std::optional<repo::ObjectId>& since);
  // Takes one more commit of main into the index; false when there is none.
  bool advance(MainIndex& idx);
  // The commit on main's first-parent chain since the final release whose
  // subject ends in (#pr), found by a binary search over pull-request
  // numbers, which squash merges give in increasing order: a few commits
  // read instead of all of main since the release. nullopt when the chain
  // is unavailable, a subject on the search's path names no pull request,
  // or the search does not land on it (numbers out of order): the caller
  // then walks (advance), so the answer never depends on the order.
  std::optional<repo::ObjectId> find_pr(MainIndex& idx, const std::string& pr);
  // Commit objects, read once per push.
  const repo::Commit& commit(const repo::ObjectId& id);
  // A commit from that cache when it is there, else read without keeping
  // it: for rules that read each of a push's new commits once (F1, B7), so
  // that a push of 100,000 commits does not hold all their messages.
  repo::Commit read_commit(const repo::ObjectId& id) const;

private:
  std::map<repo::ObjectId, std::optional<repo::ObjectId>> m_peeled;
  std::map<std::pair<repo::ObjectId, repo::ObjectId>, bool> m_ancestry;
  std::map<std::pair<std::string, std::vector<repo::ObjectId>>, std::vector<repo::ObjectId>> m_new_commits;
  std::map<std::optional<repo::ObjectId>, MainIndex> m_main_index;
  std::map<const std::vector<repo::ObjectId>*, std::unordered_set<repo::ObjectId>> m_commit_sets;
  std::unordered_map<repo::ObjectId, repo::Commit> m_commits;
};

// The hint for a merge judged like a commit (F1, B4).
std::string merge_hint(const std::string& branch);

void judge_tag(Judgement& j, const RefUpdate& u);
void judge_branch(Judgement& j, const RefUpdate& u);
// B1 for a ref outside refs/tags/ and refs/heads/: no character that cannot be seen.
void judge_ref_name(Judgement& j, const RefUpdate& u);
void judge_main_freeze(Judgement& j, const RefUpdate& u);
void judge_freeze_ref(Judgement& j, const RefUpdate& u);
void judge_ci_notes(Judgement& j, const RefUpdate& u);
void judge_namespaces(Judgement& j, const RefUpdate& u);
// B4-B6 on the commits `u` brings to line's release branch; with
// `pull_request`, u is a pull-request branch's update whose old value is the
// release branch (judge_pr_branch).
void judge_release_branch_commits(Judgement& j, const RefUpdate& u, Line line, bool pull_request = false);
void judge_main_picks(Judgement& j, const RefUpdate& u);
void judge_access(Judgement& j, const RefUpdate& u);
void judge_policy_ref(Judgement& j, const RefUpdate& u);
void apply_override(Judgement& j);
// The release branch a misnamed one probably means: release/0.5 -> release/v0.5.
std::optional<std::string> suggest_branch(const Policy& policy, const std::string& name);
// True when the branch was refused as a misnamed backport target (B1).
bool judge_backport_target(Judgement& j, const RefUpdate& u, const std::string& name);
// B1, B4-B6 for a backport's pull-request branch (backport.pr_branches) of `line`.
void judge_pr_branch(Judgement& j, const RefUpdate& u, const std::string& name, Line line);
// A pull-request branch name for a backport of `commit` to `l`: the
// backport.pr_branches template whose name is closest to `near` (the name
// pushed), with a topic from the commit's subject and {pr} from its first
// pull-request reference. nullopt when no template can be filled.
std::optional<std::string> suggest_pr_branch(Judgement& j, Line l, const repo::ObjectId& commit,
                                             const std::string& near);
// B1's hints for a branch `name` that names line `l` but is not a name
// relgate knows: the release branch's name where pushing the same commit
// there brings it nothing to review (creating it at its final tag, or a
// commit it holds already), else a pull-request branch's name; never a push
// that skips the pull request.
std::vector<std::string> line_branch_hints(Judgement& j, const RefUpdate& u, const std::string& name, Line l);

} // namespace relgate::policy::detail
