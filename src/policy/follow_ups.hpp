#pragma once
// Follow-ups the process asks for after a release (RULEBOOK.md "Follow-ups
// the process asks for"): reported by `status` and `audit`, never blocking a
// push. Pure: reads the repository through the Repository interface.
//
// - versioned docs: after a patch release vX.Y.Z, some file under main's
//   docs.versioned_path for X.Y names it (a line without such a directory
//   has nothing to update);
// - release notes: main's docs.release_notes page names the release (a
//   fixed path that does not exist: the project keeps no such page; a path
//   with placeholders that does not exist: the page is missing);
// - upstream warning: a release whose upstream.file requires
//   upstream.module at a Go pseudo-version has "WARNING" in its part of the
//   release notes.

#include "policy/policy.hpp"
#include "policy/state.hpp"
#include "repo/repository.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::policy {

enum class FollowUpKind { versioned_docs, release_notes, upstream_warning };
const char* to_string(FollowUpKind kind); // "versioned-docs", "release-notes", "upstream-warning"

struct FollowUp {
  FollowUpKind kind = FollowUpKind::release_notes;
  std::string release; // v0.5.2
  std::string ref;     // refs/tags/v0.5.2
  std::string message; // one line: what is missing where
  std::string hint;    // what to do
};

// Which releases to look at: every release of the supported lines, with
// versioned docs for the latest patch of each (status), or of every line
// (audit).
enum class FollowUpScope { latest_supported, all };

// `main_tip` is the main branch's commit; without it there is nothing to read.
std::vector<FollowUp> follow_ups(const repo::Repository& repo, const ReleaseState& state, const Policy& policy,
                                 const std::optional<repo::ObjectId>& main_tip, FollowUpScope scope);

// True when `text` names the release X.Y.Z: "0.5.2" or "v0.5.2", not inside
// a longer version (10.5.2, 0.5.21) and not as an rc (0.5.2-rc1).
bool names_release(std::string_view text, const Version& v);

// The version `module` is required at in a go.mod text; nullopt when it is
// not required there. Replace directives are not followed.
std::optional<std::string> required_version(std::string_view go_mod, const std::string& module);

// True for Go pseudo-versions: vX.0.0-yyyymmddhhmmss-abcdefabcdef,
// vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef, vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef
// (optionally +incompatible).
bool is_pseudo_version(std::string_view version);

} // namespace relgate::policy
