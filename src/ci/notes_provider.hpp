#pragma once
// The `notes` CI provider: a git note on refs/notes/ci (configurable) per
// commit, one line per check: `<state> <check-name> [<url>]`.

#include "ci/ci.hpp"

namespace relgate::ci {

// Parses a note; malformed lines are skipped and counted in `bad_lines`.
// A later line for the same check replaces an earlier one.
std::vector<Check> parse_note(std::string_view text, int* bad_lines = nullptr);

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
