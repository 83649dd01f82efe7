#pragma once
// Where the release process stands, as pure arithmetic over a ReleaseState:
// the phase of each line, the steps RELEASES.md allows next, and the
// monthly cadence. No git, no printing: `status`, `next` and `audit` (cli/)
// gather the facts and show them.

#include "policy/policy.hpp"
#include "policy/state.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relgate::policy {

// development: the next line, nothing tagged yet; rc: in its RC phase (an
// rc and no final tag); supported: released and not end of life; eol: two
// newer lines are released.
enum class Phase { development, rc, supported, eol };
const char* to_string(Phase phase);

struct LineOverview {
  Line line;
  Phase phase = Phase::development;
  std::vector<std::string> rcs;       // rc tag names, in order
  std::string latest;                 // the newest tag: latest release, else highest rc; empty for development
  std::string eol_by;                 // the final tag that made the line end of life; empty otherwise
  bool has_branch = false;            // release/vX.Y exists
};

// Every line that has a tag, oldest first, then the next line in
// development when no line is in its RC phase (v0.1 in an empty repository).
std::vector<LineOverview> overview_lines(const ReleaseState& state);

// The next line after the highest one (X.(Y+1)); 0.1 when there is none.
Line next_line_after(const ReleaseState& state);
// The line a freeze may be declared for (F2, `relgate freeze start`): the
// newest line while it is unreleased (its RC phase), else the next one.
Line freezable_line(const ReleaseState& state);

enum class StepKind { rc, final, branch, patch };
const char* to_string(StepKind kind);

// One step of RELEASES.md that may be taken next.
struct NextStep {
  StepKind kind = StepKind::rc;
  Line line;
  std::string name;  // the tag or branch to create: v0.5.0-rc2, v0.5.0, release/v0.5, v0.5.1
  std::string from;  // what it is cut from: the main branch, the last rc tag, the final tag, the release branch
  std::string why;   // one line
};

// The steps allowed next, per line, newest line first: the next rc and the
// final tag of a line in its RC phase; the release branch of a released line
// that has none; the next patch release of a supported line with a branch;
// rc1 of the next line when no line is in its RC phase. Whether a patch
// release has anything to ship, or green CI, is for the caller to ask git.
std::vector<NextStep> next_steps(const ReleaseState& state, const Policy& policy);

// A final or patch release and when it was made (tag creation time, seconds).
struct ReleaseEvent {
  std::string name;
  Version version;
  std::int64_t time = 0;
};

// The cadence RELEASES.md asks for: at least one release (final or patch)
// every calendar month, and a stable release at least every three months.
// relgate counts final releases (vX.Y.0) as stable: whether a release is
// built on a tagged upstream release is not known here. Calendar months are
// UTC months.
struct Cadence {
  std::optional<ReleaseEvent> last_release;
  std::optional<ReleaseEvent> last_stable;
  std::int64_t days_since_last = -1;      // whole days; -1 without releases
  std::string month;                      // the current month: "2026-11"
  bool released_this_month = false;
  std::string stable_due_since;           // "2026-08-26": a stable release on or after it keeps the pace
  bool stable_within_three_months = false;
  std::vector<std::string> missed_months; // full months without a release, from the first release's month on
};

Cadence cadence(const std::vector<ReleaseEvent>& releases, std::int64_t now);

// UTC calendar date "YYYY-MM-DD" of a time in seconds since the epoch.
std::string utc_date(std::int64_t t);
// "YYYY-MM-DD" (optionally followed by "THH:MM[:SS]" and "Z" or "+HH:MM")
// to seconds since the epoch; nullopt when it is not such a date.
std::optional<std::int64_t> parse_date(std::string_view text);

} // namespace relgate::policy
