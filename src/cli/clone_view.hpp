#pragma once
// The remote as a clone or a CI runner sees it. `relgate install` makes one
// remote canonical (`git config relgate.remote`, default origin) and mirrors
// the refs the rules read from it into refs/relgate/remotes/<remote>/
// (tags, freeze declarations, the CI notes ref, the versioned policy), so
// that a clone tells the remote's releases from its own local tags, and a
// fork's policy and tags never mix with upstream's.

#include "git/libgit2_repository.hpp"
#include "policy/policy.hpp"
#include "policy/state.hpp"

#include <optional>
#include <string>
#include <vector>

namespace relgate::cli {

// The remote relgate judges and reads: `git config relgate.remote`, else
// origin; empty when the repository has no such remote (a bare one, say).
std::string canonical_remote(const git::Libgit2Repository& repo);

// "refs/relgate/remotes/<remote>/": where `remote`'s release refs are
// mirrored; remote ref refs/X is mirrored as <dir>X.
std::string mirror_dir(const std::string& remote);

// The fetch refspecs `relgate install` adds for `remote`: patterns, so that
// a ref the remote lacks makes no fetch fail.
std::vector<std::string> mirror_refspecs(const policy::Policy& pol, const std::string& remote);

// Whether `remote`'s fetch refspecs mirror its tags (install ran).
bool is_mirrored(const git::Libgit2Repository& repo, const std::string& remote);

// The remote a command reads: `requested` (an Error when the repository has
// no such remote), else the canonical one ("" when there is none).
std::string view_remote(const git::Libgit2Repository& repo, const std::string& requested);

// The refs of the release process as known here (policy::known_refs), read
// through `remote`'s mirror when install set one up.
policy::RefMap clone_refs(const git::Libgit2Repository& repo, const policy::Policy& pol, const std::string& remote,
                          bool include_local_branches);

// Local tags that are release tags but not the remote's (a refused or
// unpushed tag): never releases. Empty without a mirror.
std::vector<std::string> local_only_release_tags(const git::Libgit2Repository& repo, const policy::Policy& pol,
                                                 const std::string& remote);

// "as of the last fetch from origin, 3 hours ago" (FETCH_HEAD's time);
// nullopt in a bare repository or without a remote.
std::optional<std::string> view_age(const git::Libgit2Repository& repo, const std::string& remote);

} // namespace relgate::cli
