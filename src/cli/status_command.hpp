#pragma once
// `relgate status [--format text|json] [--remote R]`: every release line with
// its phase, whether main is frozen and why, the next step of each line, and
// the cadence (a release every calendar month, a stable one every three).
//
// Also the facts `next` and `audit` share: the refs as best known here, and
// when each tag was made.

#include "cli/judge.hpp"
#include "policy/state.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace relgate::cli {

struct StatusOptions {
  std::string format = "text"; // text or json
  std::string remote = "origin";
};

int run_status(const GlobalOptions& global, const StatusOptions& opts);

// The refs the process is read from: local branches, tags and freeze
// declarations; in a clone, branches the remote has (refs/remotes/<remote>/)
// take the place of local ones, since the remote is where releases happen.
policy::RefMap known_refs(const git::Libgit2Repository& repo, const policy::Policy& pol, const std::string& remote);

// When each tag of `refs` (known_refs) was made (Repository::tag_time).
// Tags that name no commit are left out.
std::map<std::string, std::int64_t> tag_times(const git::Libgit2Repository& repo, const policy::RefMap& refs);

// Now, in seconds since the epoch; RELGATE_NOW=<seconds> fixes it (tests).
std::int64_t now_seconds();

} // namespace relgate::cli
