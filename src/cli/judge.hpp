#pragma once
// The commands that judge pushes: the three hooks and `check`. Each returns
// the process exit code; errors are thrown as relgate::Error.

#include "policy/policy.hpp"

#include <string>
#include <vector>

namespace relgate::git {
class Libgit2Repository;
}

namespace relgate::cli {

struct GlobalOptions {
  std::string config;    // --config FILE
  std::string repo_dir;  // --repo DIR; empty: found the way git finds it
};

// The policy in force, in the rule book's lookup order: --config, then
// relgate.toml in the git directory, then the built-in default.
policy::Policy load_policy(const GlobalOptions& opts, const git::Libgit2Repository& repo);
// load_policy for a handle that judges one push: the walks of its trees
// are then bounded in all (limits.push_tree_entries), not only each one.
policy::Policy load_policy_for_one_push(const GlobalOptions& opts, git::Libgit2Repository& repo);
// The server hooks' audit log ("" when the policy keeps none).
std::string audit_path(const git::Libgit2Repository& repo, const policy::Policy& pol);

// With `refused`, a hook script from before --chained says that a hook
// chained after relgate refused what relgate accepted: relgate forgets it
// (cli/push_journal.hpp). `chained`: the hook to run after relgate accepts
// (--chained; "" for none); relgate then forgets the push itself when that
// hook refuses, and the audit log says so.
int run_pre_receive(const GlobalOptions& opts, bool refused = false, const std::string& chained = "");
int run_update(const GlobalOptions& opts, const std::string& ref, const std::string& old_id, const std::string& new_id,
               bool refused = false, const std::string& chained = "");
int run_pre_push(const GlobalOptions& opts, const std::string& remote, const std::string& url);
// The same, for git's pre-push `input` given as text.
int run_pre_push_input(const GlobalOptions& opts, const std::string& remote, const std::string& url,
                       const std::string& input);
// pre-push under the pre-commit framework: the push from PRE_COMMIT_* variables.
int run_pre_commit(const GlobalOptions& opts);
// args: REF OLD NEW [REF OLD NEW ...]
// `remote`: whose state counts in a clone ("" = the canonical remote when its
// tracking refs exist, else the repository's own refs).
int run_check(const GlobalOptions& opts, const std::vector<std::string>& args, const std::string& remote = {});

} // namespace relgate::cli
