#pragma once
// The `notes` CI provider: a git note on refs/notes/ci (configurable) per
// commit, one line per check: `<state> <check-name> [<url>]`.

#include "ci/ci.hpp"

namespace relgate::ci {

// Parses a note; malformed lines are skipped and counted in `bad_lines`.
// A later line for the same check replaces an earlier one.
std::vector<Check> parse_note(std::string_view text, int* bad_lines = nullptr);

// The note's text for `checks`: one `<state> <check> [<url>]` line each.
std::string render_note(const std::vector<Check>& checks);

// `base` with `update`'s checks laid over it: a check in both takes
// `update`'s line, the others are kept (order: base's, then new ones).
std::vector<Check> overlay_checks(std::vector<Check> base, const std::vector<Check>& update);

class NotesProvider final : public Provider {
public:
  NotesProvider(const repo::Repository& repo, std::string notes_ref, Requirements req);
  CiResult status(const repo::ObjectId& commit, const RefLookup& refs_after) const override;

private:
  const repo::Repository& m_repo;
  std::string m_notes_ref;
  Requirements m_req;
};

} // namespace relgate::ci
