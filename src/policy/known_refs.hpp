#pragma once
// The refs the release process is read from, as known in one repository, and
// when each tag was made. The hooks, `check`, `status`, `next` and `audit`
// all read refs here, so they agree on what a branch of the remote is.

#include "policy/policy.hpp"
#include "policy/state.hpp"
#include "repo/repository.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace relgate::policy {

// Whether the repository's own branches count: yes on the server, for
// `check`, `status`, `next` and `audit` (a clone's local branches, which the
// remote's then replace); no in pre-push, which judges the remote, not the
// clone.
enum class LocalBranches { include, exclude };

// Branches (local ones per `local`, then those of `remote` from its
// remote-tracking refs refs/remotes/<remote>/, which take the place of local
// ones of the same name), tags, freeze declarations and the CI notes ref.
// `remote` empty or not a remote's name (a URL, a path): no remote-tracking
// refs.
RefMap known_refs(const repo::Repository& repo, const Policy& policy, const std::string& remote, LocalBranches local);

// How tags are dated: when made (the tagger's time, else the commit's), or
// when pushed where the repository's reflog knows it (a server with
// core.logAllRefUpdates=always; Repository::ref_created), else when made.
enum class TagDates { made, pushed };

// When each tag of `refs` was made or pushed, by full ref name. Tags that
// name no commit are left out.
std::map<std::string, std::int64_t> tag_times(const repo::Repository& repo, const RefMap& refs,
                                              TagDates dates = TagDates::made);

} // namespace relgate::policy
